/**
 * Import boundaries of Dirk's layers, checked by `npm run lint` (dependency-cruiser).
 *
 * A layer imports only from layers below it:
 *
 *   core  <-  config, schema, udf, telemetry  <-  plan  <-  sql | runtime  <-  connectors  <-  job  <-  api | server  <-  cli
 *
 * `plan` (plan nodes, bound expressions, visitors, the logical-plan printer) is the contract between the
 * SQL front end, which writes plans, and the runtime, which runs them: `sql` and `runtime` both build on it
 * and never import each other, so the runtime loads no parser, binder or planner. `api` is the public library
 * API (loadJob, startJob...) over the job layer; the CLI may use it. Connectors live in
 * `src/connectors/<name>/` (formerly `src/sources`, `src/sinks`; both spellings are covered). `udfs/`,
 * Dagger's function library, is written against the public UDF API only.
 *
 * Rules are `forbidden` lists: each names the layers a layer must not reach. Type-only imports count too
 * (tsPreCompilationDeps), since they tie the layers' code together just the same.
 */
const CONNECTORS = '(connectors|sources|sinks)';
/**
 * A connector's key declarations (`src/connectors/<name>/keys.ts`) belong to the config layer though they
 * live in the connector's folder: config composes them into the key table, and they import only
 * config/key-spec.ts (rule connector-keys-are-config).
 */
const CONNECTOR_KEYS = '^src/connectors/[^/]+/keys\\.ts$';
/**
 * A connector's config side: its keys, its reader and slice type (`config.ts`, or `<part>-config.ts` when a
 * connector has several, as Kafka's sink and source), and the catalog that lists them
 * (`src/connectors/catalog.ts`). The config layer composes the key table, the SinkConfig union and the
 * SINK_TYPE / SOURCE_NAME dispatch from them, so they belong to the config layer: they import config and core
 * only, never a connector's runtime (rule connector-config-is-config).
 */
const CONNECTOR_CONFIG = '^src/connectors/(catalog\\.ts|[^/]+/(keys|config|[a-z-]+-config)\\.ts)$';

/** A rule forbidding imports from files under `from` into files under `to` (folder names below src/). */
function layer(name, from, to, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^src/${from}/` },
    to: { path: `^src/${to}/` },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules must not import each other, directly or through others: split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('core-imports-nothing', 'core', '(?!core/)[^/]+', 'src/core is the bottom layer: value model, errors, logger, contracts.'),
    {
      ...layer(
        'foundation-below-plan',
        '(config|schema|udf|telemetry)',
        `(plan|sql|runtime|${CONNECTORS}|job|api|cli)`,
        "config, schema, udf and telemetry build on core only (and each other); config also composes the connectors' config side (catalog, keys, readers).",
      ),
      to: { path: `^src/(plan|sql|runtime|${CONNECTORS}|job|api|cli)/`, pathNot: CONNECTOR_CONFIG },
    },
    {
      name: 'connector-keys-are-config',
      comment: "A connector's keys.ts is part of the config layer: it imports the key spec (src/config/key-spec.ts) and nothing else.",
      severity: 'error',
      from: { path: CONNECTOR_KEYS },
      to: { pathNot: '^src/config/key-spec\\.ts$' },
    },
    {
      name: 'connector-config-is-config',
      comment:
        "A connector's config side (keys.ts, config.ts, *-config.ts, and src/connectors/catalog.ts) is part of the config layer: it imports src/config, src/core and other connectors' config side, never a connector's runtime or anything above config.",
      severity: 'error',
      from: { path: CONNECTOR_CONFIG },
      to: { path: '^src/', pathNot: `^src/(core|config)/|${CONNECTOR_CONFIG}` },
    },
    layer(
      'plan-is-data',
      'plan',
      `(config|schema|telemetry|sql|runtime|${CONNECTORS}|job|api|cli)`,
      'src/plan holds plan nodes, expressions and their walks: it imports core and the UDF types only.',
    ),
    layer(
      'sql-not-runtime',
      'sql',
      `(runtime|${CONNECTORS}|job|api|cli)`,
      'The SQL front end (parser, binder, planner) writes plans; it does not run them.',
    ),
    layer(
      'runtime-not-sql',
      'runtime',
      `(sql|${CONNECTORS}|job|api|cli)`,
      'The runtime runs plans (src/plan) and never loads the parser, binder or planner (src/sql).',
    ),
    layer(
      'connectors-below-job',
      CONNECTORS,
      '(sql|job|api|cli)',
      'Connectors read and write records; the job layer wires them to the plan.',
    ),
    layer('job-below-api', 'job', '(api|cli)', 'The public API and the CLI drive the job layer, never the other way round.'),
    layer('api-below-cli', 'api', 'cli', 'The CLI may use the public API; the API never loads the CLI.'),
    layer(
      'server-above-job',
      `(config|schema|udf|telemetry|plan|sql|runtime|${CONNECTORS}|job)`,
      'server',
      'src/server (dirk serve: control plane, REST API, UI) runs jobs; nothing a job runs depends on it.',
    ),
    layer('server-below-cli', 'server', 'cli', 'The CLI starts the service; the service does not call the CLI code.'),
    {
      name: 'udfs-use-public-api',
      comment: "udfs/ (Dagger's function library) is written against the public UDF API only (src/udf/api.ts, src/udf/index.ts).",
      severity: 'error',
      from: { path: '^udfs/' },
      to: { path: '^src/', pathNot: '^src/udf/(api|index)\\.ts$' },
    },
    {
      name: 'src-not-tests',
      comment: 'Shipped code never imports tests, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^(src|udfs)/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
