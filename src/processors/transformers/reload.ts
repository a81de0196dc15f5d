import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger.js';
import { importUserModule, isUdfSourceFile } from '../../udf/loader.js';
import { isTransformerDef, type TransformerDef } from './api.js';
import { buildTransformer, isTransformerStage, type TransformerJob } from './build.js';
import { createTransformerCatalog } from './catalog.js';

export interface TransformerWatcher {
  close(): void;
}

/**
 * Hot reload of user transformers (`dirk run --watch-udfs` / UDF_WATCH): when a top-level file of a
 * TRANSFORMER_FOLDERS folder changes, its transformers are loaded again, and every running stage of one of
 * them is rebuilt from its config entry and input columns. A stage takes the new definition when its output
 * columns are unchanged (the SQL was planned with them) and keeps its state; otherwise the old one keeps
 * running and the reason is logged. Built-in transformers are never replaced.
 */
export function watchTransformerFolders(folders: readonly string[], stages: readonly unknown[], job: TransformerJob, logger: Logger): TransformerWatcher {
  const running = stages.filter(isTransformerStage).filter((s) => job.transformers.originOf(s.transformer.def) !== 'built-in');
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  let chain: Promise<void> = Promise.resolve();
  if (running.length === 0) return { close() {} };

  const reloadFile = async (file: string): Promise<void> => {
    let defs: TransformerDef[];
    try {
      const { exports } = await importUserModule(file);
      defs = Object.values(exports).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isTransformerDef);
    } catch (e) {
      logger.error(`transformer file ${file} cannot be loaded (${(e as Error).message}); the running transformers keep their definitions`);
      return;
    }
    for (const def of defs) {
      for (const stage of running.filter((s) => s.transformer.def.name.toLowerCase() === def.name.toLowerCase())) {
        const t = stage.transformer;
        try {
          const next = buildTransformer(t.entry, t.path, t.input, t.where, t.table, { ...job, transformers: createTransformerCatalog([def]), warn: () => {} });
          await stage.reload(next);
          logger.info(`reloaded transformer ${def.name} (${t.path}) from ${file}`);
        } catch (e) {
          logger.error(`transformer ${def.name} (${t.path}) not reloaded from ${file}: ${(e as Error).message}`);
        }
      }
    }
  };

  for (const dir of folders) {
    try {
      watchers.push(
        watch(dir, (_event, name) => {
          if (!name || !isUdfSourceFile(String(name))) return;
          const file = path.resolve(dir, String(name));
          clearTimeout(timers.get(file));
          timers.set(
            file,
            setTimeout(() => {
              timers.delete(file);
              chain = chain.then(() => reloadFile(file));
            }, 200),
          );
        }),
      );
    } catch (e) {
      logger.warn(`cannot watch transformer folder ${dir}: ${(e as Error).message}`);
    }
  }
  logger.info(`watching transformer folders for changes: ${folders.join(', ')}`);
  return {
    close() {
      for (const w of watchers) w.close();
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
