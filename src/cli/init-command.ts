import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userError } from '../core/errors.js';
import { starterFiles } from './starter.js';

/** Where schemas/job.schema.json is in this installation (the repo, or node_modules/dirk). */
function schemaFile(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'schemas', 'job.schema.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** `dirk init <folder>`: write the starter job; refuses a non-empty folder unless --force. */
export async function runInitCommand(folder: string, opts: { force: boolean }): Promise<string[]> {
  const root = resolve(folder);
  if (existsSync(root)) {
    const entries = await readdir(root).catch(() => {
      throw userError(`dirk init: ${folder} exists and is not a folder`);
    });
    if (entries.length > 0 && !opts.force) throw userError(`dirk init: ${folder} is not empty; choose a new folder, or --force to overwrite the starter's files`);
  }
  const schema = schemaFile();
  const schemaPath = schema ? relative(root, schema).split('\\').join('/') : 'job.schema.json';
  const written: string[] = [];
  for (const [path, content] of starterFiles({ schemaPath })) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    written.push(path);
  }
  return written;
}
