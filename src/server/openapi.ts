/**
 * The OpenAPI 3.1 document of the control-plane API, served at /openapi.json. Paths and methods come from
 * the route table itself (so the document cannot list a route that does not exist); summaries and bodies
 * are described here.
 */
interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly mutating: boolean;
}

const SUMMARY: Record<string, string> = {
  'GET /api/jobs': 'List jobs with their desired and current state',
  'POST /api/jobs': 'Add a job (validated first, as `dirk validate`); starts it unless start=false',
  'POST /api/validate': 'Validate a job config without storing it; returns errors, warnings and the plan',
  'GET /api/jobs/{id}': 'One job (config with secrets masked)',
  'PUT /api/jobs/{id}': 'Replace a job config: stop with a final checkpoint, restart on the new config',
  'DELETE /api/jobs/{id}':
    "Stop and delete a job; purge=true also drops its checkpoints and logs and deletes the internal Kafka topics its plan creates when scaled out (`<job id>-<operator>-repartition` and `-changelog`, exactly those names, on the job's own brokers). Returns {deleted, purged, topicsDeleted}; 502 naming the topics left when the brokers cannot delete them in time (the job is then kept, stopped)",
  'POST /api/jobs/{id}/start': 'Start a job (desired state running)',
  'POST /api/jobs/{id}/stop': 'Stop a job with a final checkpoint (desired state stopped)',
  'POST /api/jobs/{id}/restart': 'Restart a job process (also after it failed)',
  'GET /api/jobs/{id}/logs': 'The last lines the job printed (secrets masked)',
  'GET /api/jobs/{id}/events': 'State changes with time and reason',
  'GET /api/jobs/{id}/checkpoints': 'The last completed checkpoints (limit=N, default 20, at most 100), newest first: id, start time, duration, size in bytes, source positions',
  'GET /api/jobs/{id}/plan': 'The plan as text and as a graph of operators',
  'GET /api/jobs/{id}/metrics': "A summary of the job's own metrics (records, lag, watermark, checkpoints)",
  'GET /api/catalogue': 'Sources, sinks, processors and functions this installation offers, with config keys',
  'GET /api/schemas': 'List the descriptor sets of the built-in Stencil-compatible registry, with their versions',
  'POST /api/schemas': 'Add a schema (version 1) from a base64 FileDescriptorSet or .proto sources',
  'GET /api/schemas/{namespace}/{name}': 'One schema: versions, message types, its Stencil URL and the jobs that read it',
  'PUT /api/schemas/{namespace}/{name}': 'Publish a new version; refused (409) when it removes or changes a field a job reads',
  'GET /api/pipelines': 'List pipelines',
  'POST /api/pipelines': 'Bring a pipeline up: create its topics, add and start its stages',
  'GET /api/pipelines/{name}': 'A pipeline with the state of every stage',
  'DELETE /api/pipelines/{name}': 'Bring a pipeline down: stop and delete its stages',
};

const SCHEMA_SOURCE = {
  descriptorSet: { type: 'string', contentEncoding: 'base64', description: 'A binary FileDescriptorSet (protoc --include_imports --descriptor_set_out)' },
  protos: { type: 'object', additionalProperties: { type: 'string' }, description: '.proto sources by relative file name' },
};

const BODIES: Record<string, unknown> = {
  'POST /api/jobs': {
    type: 'object',
    required: ['id', 'config'],
    additionalProperties: false,
    properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' }, config: { type: 'object', description: 'Dagger config keys' }, start: { type: 'boolean', default: true } },
  },
  'PUT /api/jobs/{id}': {
    type: 'object',
    required: ['config'],
    additionalProperties: false,
    properties: { config: { type: 'object' }, dropState: { type: 'boolean', default: false } },
  },
  'POST /api/validate': { type: 'object', required: ['config'], additionalProperties: false, properties: { config: { type: 'object' } } },
  'POST /api/pipelines': { $ref: '#/components/schemas/Pipeline' },
  'POST /api/schemas': {
    type: 'object',
    required: ['namespace', 'name'],
    additionalProperties: false,
    description: 'Exactly one of descriptorSet or protos',
    properties: { namespace: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' }, name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' }, ...SCHEMA_SOURCE },
  },
  'PUT /api/schemas/{namespace}/{name}': { type: 'object', additionalProperties: false, description: 'Exactly one of descriptorSet or protos', properties: SCHEMA_SOURCE },
};

const ERROR = { type: 'object', required: ['error'], properties: { error: { type: 'string' }, details: { type: 'array', items: { type: 'string' } } } };

export function buildOpenApi(routes: readonly RouteInfo[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([a-z]+)/g, '{$1}');
    const key = `${r.method} ${path}`;
    const params = [...path.matchAll(/\{([a-z]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const body = BODIES[key];
    const responses: Record<string, unknown> = {
      [r.method === 'POST' && (path === '/api/jobs' || path === '/api/pipelines' || path === '/api/schemas') ? '201' : r.method === 'DELETE' ? '204' : '200']: { description: 'OK' },
      '400': { description: 'A malformed request; the message names the field', content: { 'application/json': { schema: ERROR } } },
      '404': { description: 'No such job or pipeline', content: { 'application/json': { schema: ERROR } } },
    };
    if (r.mutating) responses['401'] = { description: 'Missing or wrong bearer token', content: { 'application/json': { schema: ERROR } } };
    if (path === '/api/jobs' && r.method === 'POST') responses['422'] = { description: 'The config does not validate; details are the `dirk validate` messages', content: { 'application/json': { schema: ERROR } } };
    if (path.startsWith('/api/schemas') && r.mutating) {
      responses['409'] = { description: 'The schema exists (POST), or the new version removes or changes a field a job reads; details name job, message and field', content: { 'application/json': { schema: ERROR } } };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: SUMMARY[key] ?? key,
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      ...(r.mutating ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Dirk control plane', version: '1', description: 'Jobs, pipelines, schemas and the catalogue of a `dirk serve` service. The built-in Stencil-compatible registry answers GET /v1beta1/namespaces/{namespace}/schemas/{name}[/versions[/{n}]] on the same port.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Pipeline: {
          type: 'object',
          required: ['name', 'stages'],
          properties: {
            name: { type: 'string' },
            topics: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, partitions: { type: 'integer' }, brokers: { type: 'string' } } } },
            stages: { type: 'array', items: { type: 'object', required: ['name', 'config'], properties: { name: { type: 'string' }, config: { type: 'object' } } } },
          },
        },
      },
    },
  };
}
