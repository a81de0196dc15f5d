import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { userError } from '../../core/errors.js';
import { importUserModule, isUdfSourceFile } from '../../udf/loader.js';
import { isTransformerDef, type TransformerDef } from './api.js';

/** A transformer loaded from a user folder, with the file it came from. */
export interface LoadedTransformer {
  readonly def: TransformerDef;
  readonly file: string;
}

function transformersOf(mod: Record<string, unknown>): TransformerDef[] {
  const found: TransformerDef[] = [];
  const add = (v: unknown): void => {
    for (const x of Array.isArray(v) ? v : [v]) if (isTransformerDef(x) && !found.includes(x)) found.push(x);
  };
  add(mod.default);
  for (const [k, v] of Object.entries(mod)) if (k !== 'default') add(v);
  return found;
}

/**
 * Loads user transformers: every module of TRANSFORMER_FOLDERS (TypeScript compiled on the fly, as UDF files
 * are) and the transformers exported by UDF_FOLDERS modules. A file may export transformers and functions
 * side by side; other exports are ignored. Two files defining one name is an error naming both.
 */
export async function loadTransformerFolders(folders: readonly string[], udfFolders: readonly string[] = []): Promise<LoadedTransformer[]> {
  const byName = new Map<string, LoadedTransformer>();
  const seenFiles = new Set<string>();
  const load = async (dir: string, required: boolean): Promise<void> => {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (e) {
      if (!required) return;
      throw userError(`TRANSFORMER_FOLDERS: folder ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
    }
    for (const n of names.filter(isUdfSourceFile).sort()) {
      const file = path.resolve(dir, n);
      if (seenFiles.has(file)) continue;
      seenFiles.add(file);
      const { exports } = await importUserModule(file);
      for (const def of transformersOf(exports)) {
        const key = def.name.toLowerCase();
        const seen = byName.get(key);
        if (seen && seen.def !== def) throw userError(`transformer ${def.name} is defined twice: in ${seen.file} and in ${file}`);
        byName.set(key, { def, file });
      }
    }
  };
  for (const dir of folders) await load(dir, true);
  // UDF folders were already read by the function loader (which reported unreadable ones).
  for (const dir of udfFolders) await load(dir, false);
  return [...byName.values()];
}
