// `npm start` runs the CLI from dist/; this rebuilds dist/ only when a source file is newer than the build,
// so a start after an unchanged checkout takes well under a second instead of a full tsc run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/src/cli/main.js';
const SOURCES = ['src', 'udfs', 'bench', 'tsconfig.json', 'tsconfig.ui.json', 'package.json'];

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

let built = 0;
try {
  built = statSync(STAMP).mtimeMs;
} catch {
  built = 0;
}
const changed = Math.max(...SOURCES.map(newestMtime));
if (built === 0 || changed > built) {
  console.error(built === 0 ? 'dist/ missing: building' : 'sources changed since the last build: building');
  // The same two compilations as `npm run build`: the engine, then the web UI's browser script.
  for (const project of ['tsconfig.json', 'tsconfig.ui.json']) {
    const r = spawnSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
