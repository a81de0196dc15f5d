import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Dirk's version from its package.json (found upward from this file: src/cli or dist/src/cli). */
export function dirkVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin?: Record<string, string>; version?: string };
      // Dirk's package is the one that installs the `dirk` command (whatever its npm name).
      if (pkg.bin?.['dirk'] !== undefined && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
