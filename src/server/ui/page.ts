import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The web UI's page. The script is `src/server/ui/client/app.ts`, compiled for the browser by
 * tsconfig.ui.json into dist/ui/app.js (`npm run build` does both), and served as /ui.js.
 */
export const UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dirk</title>
<style>
  :root { --fg:#1d2430; --muted:#667085; --line:#d0d5dd; --bg:#f7f8fa; --accent:#2f6fed; --bad:#c4320a; --good:#067647; --warn:#b54708; }
  * { box-sizing: border-box; }
  body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#101828; color:#fff; }
  header h1 { font-size:17px; margin:0; letter-spacing:.5px; }
  header nav a { color:#d0d5dd; margin-right:14px; text-decoration:none; }
  header nav a.active, header nav a:hover { color:#fff; }
  header .token { margin-left:auto; display:flex; gap:6px; align-items:center; font-size:12px; color:#d0d5dd; }
  header input { font-size:12px; padding:3px 6px; width:200px; }
  main { padding:18px 20px; max-width:1200px; }
  table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
  th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); }
  th { background:#f2f4f7; font-weight:600; font-size:12px; text-transform:uppercase; color:var(--muted); }
  a { color:var(--accent); }
  .state { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; background:#eaecf0; }
  .state.running { background:#dcfae6; color:var(--good); }
  .state.failed { background:#fee4e2; color:var(--bad); }
  .state.restarting, .state.starting, .state.stopping { background:#fef0c7; color:var(--warn); }
  .cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap:10px; margin:12px 0; }
  .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
  .card .v { font-size:20px; font-weight:600; }
  .card .k { color:var(--muted); font-size:12px; }
  .panel { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px; margin:12px 0; }
  .panel h3 { margin:0 0 8px; font-size:14px; }
  pre { background:#101828; color:#e4e7ec; padding:10px; border-radius:6px; overflow:auto; font-size:12px; max-height:320px; margin:0; }
  textarea { width:100%; min-height:320px; font: 12px ui-monospace, monospace; }
  button { background:var(--accent); color:#fff; border:0; border-radius:5px; padding:6px 12px; cursor:pointer; margin-right:6px; }
  button.secondary { background:#fff; color:var(--fg); border:1px solid var(--line); }
  .errors { color:var(--bad); margin:8px 0; }
  .errors li { margin:3px 0; font-family: ui-monospace, monospace; font-size:12px; }
  .ok { color:var(--good); }
  svg text { font-size:12px; fill:var(--fg); }
  svg .node rect { fill:#fff; stroke:#98a2b3; rx:6; }
  svg .edge { stroke:#98a2b3; fill:none; marker-end:url(#arrow); }
  .muted { color:var(--muted); }
  input[type=text] { padding:5px 8px; border:1px solid var(--line); border-radius:4px; }
</style>
</head>
<body>
<header>
  <h1>Dirk</h1>
  <nav><a href="#/jobs" data-nav="jobs">Jobs</a><a href="#/pipelines" data-nav="pipelines">Pipelines</a><a href="#/schemas" data-nav="schemas">Schemas</a><a href="#/new" data-nav="new">Add job</a></nav>
  <label class="token">API token <input id="token" type="password" placeholder="for changes"></label>
</header>
<main id="app">Loading…</main>
<script type="module" src="/ui.js"></script>
</body>
</html>
`;

let script: string | undefined;

export async function uiScript(): Promise<string> {
  if (script !== undefined) return script;
  const here = fileURLToPath(import.meta.url);
  const distRoot = here.includes(join('dist', 'src')) ? here.slice(0, here.indexOf(join('dist', 'src')) + 'dist'.length) : join(here, '..', '..', '..', '..', 'dist');
  script = await readFile(join(distRoot, 'ui', 'app.js'), 'utf8');
  return script;
}
