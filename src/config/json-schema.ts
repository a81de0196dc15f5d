/**
 * A JSON Schema (draft 2020-12) for job files, generated from the key table in defaults.ts so that it cannot
 * drift from what the parser reads. A job file that starts with `"$schema": "<path or URL of job.schema.json>"`
 * gets completion and hover text in editors (VS Code and JetBrains read `$schema`). The schema describes;
 * it does not replace `dirk validate`: unknown keys stay allowed (Dirk warns about them), and since Dagger
 * writes every value as a string, a number or boolean key takes its string form too.
 */
import { JOB_KEYS, STREAM_KEYS } from './defaults.js';

type Spec = { readonly description: string; readonly default?: unknown; readonly required?: true | string; readonly dagger?: string };
type Schema = Record<string, unknown>;

function valueSchema(spec: Spec): Schema {
  const d = spec.default;
  if (typeof d === 'boolean') return { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false', 'TRUE', 'FALSE', 'True', 'False', ''] }] };
  if (typeof d === 'number') return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\s*([+-]?\\d+)?\\s*$' }] };
  if (Array.isArray(d)) return { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
  return {};
}

function describe(spec: Spec): string {
  const parts = [spec.description];
  if (typeof spec.required === 'string') parts.push(`Required ${spec.required}.`);
  if (spec.dagger) parts.push(`Dagger: ${spec.dagger}`);
  return parts.join(' ');
}

function keysSchema(table: Readonly<Record<string, Spec>>): { properties: Schema; patternProperties: Schema; required: string[] } {
  const properties: Schema = {};
  const patternProperties: Schema = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(table)) {
    const entry: Schema = { description: describe(spec), ...valueSchema(spec) };
    if (spec.default !== undefined) entry['default'] = spec.default;
    if (name.endsWith('*')) patternProperties[`^${name.slice(0, -1)}`] = entry;
    else properties[name] = entry;
    if (spec.required === true) required.push(name);
  }
  return { properties, patternProperties, required };
}

export function jobJsonSchema(): Schema {
  const job = keysSchema(JOB_KEYS as Readonly<Record<string, Spec>>);
  const stream = keysSchema(STREAM_KEYS as Readonly<Record<string, Spec>>);
  const streamObject: Schema = {
    type: 'object',
    properties: stream.properties,
    patternProperties: stream.patternProperties,
    required: stream.required,
  };
  const properties: Schema = {
    $schema: { type: 'string', description: 'Path or URL of this schema, for editors; ignored by Dirk.' },
    ...job.properties,
  };
  properties['STREAMS'] = {
    ...(properties['STREAMS'] as Schema),
    anyOf: [{ type: 'array', minItems: 1, items: streamObject }, { type: 'string', description: 'The same array as JSON text (as in a .properties file).' }],
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Dirk job file (Dagger-compatible config keys)',
    description: 'Generated from src/config/defaults.ts by `npm run docs:schema`; see docs/configuration.md.',
    type: 'object',
    properties,
    patternProperties: job.patternProperties,
    // FLINK_SQL_QUERY may be given as SQL_QUERY, so only STREAMS is required here; `dirk validate` checks the rest.
    required: ['STREAMS'],
    additionalProperties: true,
  };
}

/** The committed file's text: 2-space JSON and a final newline. */
export function renderJobJsonSchema(): string {
  return `${JSON.stringify(jobJsonSchema(), null, 2)}\n`;
}
