/**
 * Dirk's web UI: plain TypeScript over the control-plane REST API, no framework. Hash routes:
 * #/jobs (list), #/jobs/<id> (graph, live numbers, events, errors, config), #/new and #/edit/<id> (a job
 * form with validation messages inline), #/pipelines (each pipeline's stages as a DAG), #/schemas (the built-in
 * registry's descriptor sets).
 */

interface JobView {
  id: string;
  desired: string;
  state: string;
  version: number;
  pipeline?: string;
  pid?: number;
  startedAt?: string;
  updatedAt: string;
  config: Record<string, unknown>;
  lastEvent?: { at: string; state: string; reason?: string };
}
interface PlanNode { id: string; label: string; state: string }
interface Graph { nodes: PlanNode[]; edges: { from: string; to: string; topic?: string }[] }
interface Summary {
  at: number; recordsIn: number; recordsOut: number; lateRecords: number; badRecords: number;
  consumerLag: number | null; watermarkLagMs: number | null; checkpointsCompleted: number; checkpointsFailed: number;
  udfErrors: number; externalErrors: number; outputLagMs: number | null; stateBytes: number; stateKeys: number; checkpointBytes: number | null;
}

const app = document.getElementById('app')!;
const tokenInput = document.getElementById('token') as HTMLInputElement;
tokenInput.value = localStorage.getItem('dirk-token') ?? '';
tokenInput.addEventListener('change', () => localStorage.setItem('dirk-token', tokenInput.value.trim()));

let timer: number | undefined;
let previous: Summary | undefined;

class ApiError extends Error {
  constructor(message: string, readonly details: string[]) {
    super(message);
  }
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = tokenInput.value.trim();
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const data = (await res.json()) as { error?: string; details?: string[] };
  if (!res.ok) throw new ApiError(data.error ?? res.statusText, data.details ?? []);
  return data as T;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

function stateBadge(state: string): HTMLElement {
  return h('span', { class: `state ${state}`, 'data-state': state }, state);
}

function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

async function route(): Promise<void> {
  if (timer !== undefined) window.clearInterval(timer);
  timer = undefined;
  previous = undefined;
  const hash = location.hash || '#/jobs';
  const [, page, arg] = hash.split('/');
  for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) a.classList.toggle('active', a.dataset['nav'] === page);
  try {
    if (page === 'jobs' && arg) await jobPage(decodeURIComponent(arg));
    else if (page === 'new') await editPage(undefined);
    else if (page === 'edit' && arg) await editPage(decodeURIComponent(arg));
    else if (page === 'pipelines') await pipelinesPage();
    else if (page === 'schemas') await schemasPage();
    else await jobsPage();
  } catch (e) {
    app.replaceChildren(h('p', { class: 'errors' }, (e as Error).message));
  }
}

async function jobsPage(): Promise<void> {
  const render = async (): Promise<void> => {
    const { jobs } = await api<{ jobs: JobView[] }>('GET', '/api/jobs');
    const rows = jobs.map((j) =>
      h('tr', { 'data-job': j.id },
        h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.id)),
        h('td', {}, stateBadge(j.state)),
        h('td', {}, j.desired),
        h('td', {}, String(j.version)),
        h('td', {}, j.pipeline ?? ''),
        h('td', { class: 'muted' }, j.lastEvent?.reason ?? ''),
      ),
    );
    const table = h('table', { id: 'jobs' }, h('tr', {}, ...['Job', 'State', 'Desired', 'Version', 'Pipeline', 'Last event'].map((t) => h('th', {}, t))), ...rows);
    app.replaceChildren(h('h2', {}, 'Jobs'), jobs.length ? table : h('p', { class: 'muted' }, 'No jobs yet. Add one with "Add job" or POST /api/jobs.'));
  };
  await render();
  timer = window.setInterval(() => void render().catch(() => undefined), 2000);
}

function drawGraph(graph: Graph, id: string): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  // Layered layout: a node's layer is its longest distance from a source, so records flow top to bottom.
  const layer = new Map<string, number>();
  const incoming = (n: string): string[] => graph.edges.filter((e) => e.to === n).map((e) => e.from);
  const depth = (n: string, seen: Set<string> = new Set()): number => {
    if (layer.has(n)) return layer.get(n)!;
    if (seen.has(n)) return 0;
    seen.add(n);
    const d = Math.max(-1, ...incoming(n).map((m) => depth(m, seen))) + 1;
    layer.set(n, d);
    return d;
  };
  graph.nodes.forEach((n) => depth(n.id));
  const byLayer = new Map<number, PlanNode[]>();
  for (const n of graph.nodes) byLayer.set(layer.get(n.id)!, [...(byLayer.get(layer.get(n.id)!) ?? []), n]);
  const W = 260, H = 44, GX = 30, GY = 34;
  const widest = Math.max(1, ...[...byLayer.values()].map((l) => l.length));
  const pos = new Map<string, { x: number; y: number }>();
  for (const [d, nodes] of byLayer) nodes.forEach((n, i) => pos.set(n.id, { x: 10 + i * (W + GX) + ((widest - nodes.length) * (W + GX)) / 2, y: 10 + d * (H + GY) }));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('id', id);
  svg.setAttribute('width', String(widest * (W + GX) + 20));
  svg.setAttribute('height', String((Math.max(0, ...layer.values()) + 1) * (H + GY) + 10));
  svg.innerHTML = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#98a2b3"/></marker></defs>';
  for (const e of graph.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('class', 'edge');
    path.setAttribute('d', `M${a.x + W / 2},${a.y + H} C${a.x + W / 2},${a.y + H + GY / 2} ${b.x + W / 2},${b.y - GY / 2} ${b.x + W / 2},${b.y}`);
    svg.append(path);
    if (e.topic) {
      const t = document.createElementNS(NS, 'text');
      t.setAttribute('x', String((a.x + b.x) / 2 + W / 2 + 6));
      t.setAttribute('y', String((a.y + H + b.y) / 2 + 4));
      t.textContent = e.topic;
      svg.append(t);
    }
  }
  for (const n of graph.nodes) {
    const p = pos.get(n.id)!;
    const g = document.createElementNS(NS, 'g');
    g.setAttribute('class', 'node');
    g.setAttribute('data-node', n.id);
    g.innerHTML = `<rect x="${p.x}" y="${p.y}" width="${W}" height="${H}"></rect>`;
    const label = document.createElementNS(NS, 'text');
    label.setAttribute('x', String(p.x + 8));
    label.setAttribute('y', String(p.y + 18));
    label.textContent = n.label.length > 38 ? `${n.label.slice(0, 37)}…` : n.label;
    const sub = document.createElementNS(NS, 'text');
    sub.setAttribute('x', String(p.x + 8));
    sub.setAttribute('y', String(p.y + 35));
    sub.setAttribute('class', 'muted');
    sub.setAttribute('fill', '#667085');
    sub.textContent = n.state.length > 40 ? `${n.state.slice(0, 39)}…` : n.state;
    g.append(label, sub);
    svg.append(g);
  }
  return svg;
}

interface CheckpointRecord { id: number; takenAt: number; durationMs: number; bytes: number; positions: Record<string, Record<string, string>> }

function bytes(n: number): string {
  return n >= 1 << 20 ? `${fmt(n / (1 << 20), 1)} MiB` : n >= 1024 ? `${fmt(n / 1024, 1)} KiB` : `${fmt(n)} B`;
}

/** `orders: topic:0@42, topic:1@17` per table (Kafka positions are `<topic>:<partition>` -> the next offset). */
function positionsText(p: Record<string, Record<string, string>>): string {
  return Object.entries(p).map(([table, pos]) => `${table}: ${Object.entries(pos).map(([k, v]) => `${k}@${v}`).join(', ') || '–'}`).join('; ');
}

function card(key: string, value: string, id: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'v', id }, value), h('div', { class: 'k' }, key));
}

async function jobPage(id: string): Promise<void> {
  const { job } = await api<{ job: JobView }>('GET', `/api/jobs/${encodeURIComponent(id)}`);
  const plan = await api<{ ok: boolean; errors: string[]; explain: string | null; graph: Graph | null }>('GET', `/api/jobs/${encodeURIComponent(id)}/plan`);
  const cards = h('div', { class: 'cards' },
    card('records in / s', '–', 'm-in-rate'), card('records out / s', '–', 'm-out-rate'), card('records in', '–', 'm-in'),
    card('records out', '–', 'm-out'), card('consumer lag', '–', 'm-lag'), card('watermark lag (s)', '–', 'm-wm'),
    card('late records', '–', 'm-late'), card('checkpoints ok / failed', '–', 'm-ckpt'), card('output event-time lag (s)', '–', 'm-out-lag'),
    card('state (keys / size)', '–', 'm-state'));
  const state = h('span', { id: 'job-state' }, stateBadge(job.state));
  const act = (what: string) => async (): Promise<void> => {
    try {
      await api('POST', `/api/jobs/${encodeURIComponent(id)}/${what}`);
      await refresh();
    } catch (e) {
      alert((e as Error).message);
    }
  };
  const buttons = h('p', {},
    Object.assign(h('button', {}, 'Start'), { onclick: act('start') }),
    Object.assign(h('button', { class: 'secondary' }, 'Stop'), { onclick: act('stop') }),
    Object.assign(h('button', { class: 'secondary' }, 'Restart'), { onclick: act('restart') }),
    h('a', { href: `#/edit/${encodeURIComponent(id)}` }, 'Edit config'));
  const events = h('pre', { id: 'events' }, '');
  const checkpointRows = h('tbody', {});
  const checkpointTable = h('table', { id: 'checkpoints' }, h('thead', {}, h('tr', {}, ...['Checkpoint', 'Started', 'Duration', 'Size', 'Source positions'].map((t) => h('th', {}, t)))), checkpointRows);
  const errors = h('pre', { id: 'errors' }, '');
  const graph = plan.graph ? drawGraph(plan.graph, 'plan-graph') : h('p', { class: 'errors' }, plan.errors.join('\n'));
  app.replaceChildren(
    h('h2', {}, `${job.id} `, state),
    buttons,
    cards,
    h('div', { class: 'panel' }, h('h3', {}, 'Plan'), graph),
    h('div', { class: 'panel' }, h('h3', {}, 'Checkpoints'), checkpointTable),
    h('div', { class: 'panel' }, h('h3', {}, 'Events'), events),
    h('div', { class: 'panel' }, h('h3', {}, 'Recent errors'), errors),
    h('div', { class: 'panel' }, h('h3', {}, 'Config (secrets masked)'), h('pre', { id: 'config' }, JSON.stringify(job.config, null, 2))),
  );
  const set = (elId: string, v: string): void => {
    const el = document.getElementById(elId);
    if (el) el.textContent = v;
  };
  const refresh = async (): Promise<void> => {
    const [{ job: now }, m, ev, logs, cps] = await Promise.all([
      api<{ job: JobView }>('GET', `/api/jobs/${encodeURIComponent(id)}`),
      api<{ available: boolean; summary: Summary | null }>('GET', `/api/jobs/${encodeURIComponent(id)}/metrics`),
      api<{ events: { at: string; state: string; reason?: string }[] }>('GET', `/api/jobs/${encodeURIComponent(id)}/events?limit=30`),
      api<{ lines: string[] }>('GET', `/api/jobs/${encodeURIComponent(id)}/logs?limit=400`),
      api<{ checkpoints: CheckpointRecord[] }>('GET', `/api/jobs/${encodeURIComponent(id)}/checkpoints?limit=10`),
    ]);
    checkpointRows.replaceChildren(
      ...(cps.checkpoints.length
        ? cps.checkpoints.map((c) =>
            h('tr', { 'data-checkpoint': String(c.id) },
              h('td', {}, String(c.id)),
              h('td', {}, new Date(c.takenAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
              h('td', {}, `${fmt(c.durationMs)} ms`),
              h('td', {}, bytes(c.bytes)),
              h('td', { class: 'muted' }, positionsText(c.positions)),
            ),
          )
        : [h('tr', {}, h('td', { colspan: '5', class: 'muted' }, 'No checkpoint yet.'))]),
    );
    state.replaceChildren(stateBadge(now.state));
    const s = m.summary;
    if (s) {
      if (previous && s.at > previous.at) {
        const dt = (s.at - previous.at) / 1000;
        set('m-in-rate', fmt((s.recordsIn - previous.recordsIn) / dt, 1));
        set('m-out-rate', fmt((s.recordsOut - previous.recordsOut) / dt, 1));
      }
      previous = s;
      set('m-in', fmt(s.recordsIn));
      set('m-out', fmt(s.recordsOut));
      set('m-lag', fmt(s.consumerLag));
      set('m-wm', s.watermarkLagMs === null ? '–' : fmt(s.watermarkLagMs / 1000, 1));
      set('m-late', fmt(s.lateRecords));
      set('m-ckpt', `${fmt(s.checkpointsCompleted)} / ${fmt(s.checkpointsFailed)}`);
      set('m-out-lag', s.outputLagMs === null ? '–' : fmt(s.outputLagMs / 1000, 1));
      set('m-state', `${fmt(s.stateKeys)} / ${bytes(s.stateBytes)}`);
    }
    events.textContent = ev.events.map((e) => `${e.at}  ${e.state}${e.reason ? `  ${e.reason}` : ''}`).join('\n') || '(none)';
    errors.textContent = logs.lines.filter((l) => /\b(ERROR|WARN)\b|^error|internal error/.test(l)).slice(-20).join('\n') || '(none)';
  };
  await refresh();
  timer = window.setInterval(() => void refresh().catch(() => undefined), 2000);
}

async function editPage(id: string | undefined): Promise<void> {
  const existing = id ? (await api<{ job: JobView }>('GET', `/api/jobs/${encodeURIComponent(id)}`)).job : undefined;
  const idInput = h('input', { type: 'text', id: 'job-id', placeholder: 'job id', value: id ?? '' });
  if (id) idInput.setAttribute('disabled', '');
  const text = h('textarea', { id: 'job-config', spellcheck: 'false' });
  text.value = existing ? JSON.stringify(existing.config, null, 2) : '{\n  "FLINK_JOB_ID": "my-job",\n  "STREAMS": [],\n  "FLINK_SQL_QUERY": "SELECT ...",\n  "SINK_TYPE": "log"\n}';
  const messages = h('div', { id: 'messages' });
  const parse = (): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(text.value) as Record<string, unknown>;
    } catch (e) {
      show([`config is not valid JSON: ${(e as Error).message}`], []);
      return undefined;
    }
  };
  const show = (errs: string[], warns: string[], ok?: string): void => {
    messages.replaceChildren(
      ...(errs.length ? [h('ul', { class: 'errors' }, ...errs.map((e) => h('li', {}, e)))] : []),
      ...(warns.length ? [h('ul', { class: 'muted' }, ...warns.map((w) => h('li', {}, w)))] : []),
      ...(ok ? [h('p', { class: 'ok' }, ok)] : []),
    );
  };
  const validate = async (): Promise<void> => {
    const config = parse();
    if (!config) return;
    try {
      const r = await api<{ ok: boolean; errors: string[]; warnings: string[] }>('POST', '/api/validate', { config });
      show(r.errors, r.warnings, r.ok ? 'ok: the job validates' : undefined);
    } catch (e) {
      show([(e as Error).message, ...((e as ApiError).details ?? [])], []);
    }
  };
  const save = async (): Promise<void> => {
    const config = parse();
    if (!config) return;
    try {
      if (id) await api('PUT', `/api/jobs/${encodeURIComponent(id)}`, { config });
      else await api('POST', '/api/jobs', { id: idInput.value.trim(), config });
      location.hash = `#/jobs/${encodeURIComponent(id ?? idInput.value.trim())}`;
    } catch (e) {
      const err = e as ApiError;
      show([err.message, ...(err.details ?? [])], []);
    }
  };
  app.replaceChildren(
    h('h2', {}, id ? `Edit ${id}` : 'Add a job'),
    h('p', {}, idInput),
    text,
    h('p', {}, Object.assign(h('button', { id: 'validate', class: 'secondary' }, 'Validate'), { onclick: validate }), Object.assign(h('button', { id: 'save' }, id ? 'Save and restart' : 'Add and start'), { onclick: save })),
    messages,
  );
}

async function pipelinesPage(): Promise<void> {
  const { pipelines } = await api<{ pipelines: { name: string; stages: number }[] }>('GET', '/api/pipelines');
  const parts: HTMLElement[] = [h('h2', {}, 'Pipelines')];
  if (!pipelines.length) parts.push(h('p', { class: 'muted' }, 'No pipelines. Bring one up with `dirk pipeline up <file>`.'));
  for (const p of pipelines) {
    const { pipeline } = await api<{ pipeline: { name: string; stages: (JobView & { stage: string })[]; edges: { from: string; to: string; topic: string }[] } }>('GET', `/api/pipelines/${encodeURIComponent(p.name)}`);
    const graph: Graph = {
      nodes: pipeline.stages.map((s) => ({ id: s.stage, label: s.stage, state: s.state })),
      edges: pipeline.edges,
    };
    parts.push(h('div', { class: 'panel', 'data-pipeline': p.name }, h('h3', {}, p.name), drawGraph(graph, `pipeline-${p.name}`)));
  }
  app.replaceChildren(...parts);
}

interface SchemaView {
  namespace: string;
  name: string;
  url: string;
  versions: { version: number; createdAt: string; bytes: number; messages: string[] }[];
}

async function schemasPage(): Promise<void> {
  const { schemas } = await api<{ schemas: SchemaView[] }>('GET', '/api/schemas');
  const rows = schemas.map((s) => {
    const latest = s.versions[s.versions.length - 1]!;
    return h('tr', { 'data-schema': `${s.namespace}/${s.name}` },
      h('td', {}, `${s.namespace}/${s.name}`),
      h('td', {}, String(latest.version)),
      h('td', {}, latest.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
      h('td', {}, latest.messages.filter((m) => !m.startsWith('google.protobuf.')).join(', ')),
      h('td', { class: 'muted' }, s.url),
    );
  });
  const table = h('table', { id: 'schemas' }, h('tr', {}, ...['Schema', 'Latest version', 'Published', 'Messages', 'Stencil URL (SCHEMA_REGISTRY_STENCIL_URLS)'].map((t) => h('th', {}, t))), ...rows);
  app.replaceChildren(h('h2', {}, 'Schemas'), schemas.length ? table : h('p', { class: 'muted' }, 'No schemas. Publish one with POST /api/schemas.'));
}

window.addEventListener('hashchange', () => void route());
void route();
