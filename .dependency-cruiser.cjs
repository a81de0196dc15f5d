/**
 * Import boundaries of Dirk's layers, checked by `npm run lint` (dependency-cruiser).
 *
 * A layer imports only from layers below it:
 *
 *   core  <-  config, schema, udf, telemetry  <-  plan  <-  sql | runtime  <-  connectors  <-  job  <-  server  <-  cli
 *
 * `plan` (plan nodes, bound expressions, visitors, the logical-plan printer) is the contract between the
 * SQL front end, which writes plans, and the runtime, which runs them: `sql` and `runtime` both build on it
 * and never import each other, so the runtime loads no parser, binder or planner. Connectors live in
 * `src/connectors/<name>/` (formerly `src/sources`, `src/sinks`; both spellings are covered). `udfs/`,
 * Dagger's function library, is written against the public UDF API only.
 *
 * Rules are `forbidden` lists: each names the layers a layer must not reach. Type-only imports count too
 * (tsPreCompilationDeps), since they tie the layers' code together just the same.
 */
const CONNECTORS = '(connectors|sources|sinks)';

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
    layer(
      'foundation-below-plan',
      '(config|schema|udf|telemetry)',
      `(plan|sql|runtime|${CONNECTORS}|job|cli)`,
      'config, schema, udf and telemetry build on core only (and each other).',
    ),
    layer(
      'plan-is-data',
      'plan',
      `(config|schema|telemetry|sql|runtime|${CONNECTORS}|job|cli)`,
      'src/plan holds plan nodes, expressions and their walks: it imports core and the UDF types only.',
    ),
    layer(
      'sql-not-runtime',
      'sql',
      `(runtime|${CONNECTORS}|job|cli)`,
      'The SQL front end (parser, binder, planner) writes plans; it does not run them.',
    ),
    layer(
      'runtime-not-sql',
      'runtime',
      `(sql|${CONNECTORS}|job|cli)`,
      'The runtime runs plans (src/plan) and never loads the parser, binder or planner (src/sql).',
    ),
    layer(
      'connectors-below-job',
      CONNECTORS,
      '(sql|job|cli)',
      'Connectors read and write records; the job layer wires them to the plan.',
    ),
    layer('job-below-cli', 'job', 'cli', 'The CLI drives the job layer, never the other way round.'),
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
