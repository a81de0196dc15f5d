import type { SourceBatch } from '../core/connector.js';
import { userError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Row } from '../core/types.js';
import { parseSplit } from '../connectors/kafka/kafka-client.js';
import type { Telemetry, UdfMetrics } from '../telemetry/index.js';
import type { FunctionContext, FunctionDef } from '../udf/api.js';
import { watchUdfFolders, type UdfChange, type UdfWatcher } from '../udf/loader.js';
import { slotOf, type FunctionSlot, type SlotBinding, type UdfCallError } from '../udf/slots.js';
import type { PreparedJob } from './prepare.js';

/**
 * The UDF side of a running job:
 *  - open(ctx) on every function the plan uses before the first record, close() at the end;
 *  - per-function calls / errors (counted in the slots, moved to the metrics once per batch) and the
 *    latency of async calls;
 *  - the error policy (UDF_ERROR_POLICY): a failing call names its record through the batch being processed;
 *  - hot reload (UDF_WATCH / --watch-udfs): a changed file's functions replace the bodies in their slots, so
 *    compiled call sites and operator state stay as they are. A change to a helper module reloads the UDF files
 *    importing it; a deleted file's functions keep their last body until a restart (warned once), and a new
 *    function name is only available after a restart.
 * `validate` and `explain` never get here: they must have no side effects.
 */
export interface UdfRuntime {
  /** The source batch being processed (so a failing call can name its record), or undefined between batches. */
  setBatch(batch: SourceBatch | undefined): void;
  /** Moves the counted calls and errors to the metrics. */
  flush(): void;
  /** Stops watching, flushes the metrics and closes the functions that were opened. */
  close(): Promise<void>;
}

export interface UdfRuntimeOptions {
  readonly telemetry: Telemetry;
  readonly logger: Logger;
  /** Reload changed user UDF files (UDF_WATCH or `dirk run --watch-udfs`). */
  readonly watch: boolean;
  /** Quiet time before a changed file is reloaded (default 200 ms). */
  readonly debounceMs?: number;
}

/** Log a NULL-policy failure at most this often per function (the first one always). */
const NULL_LOG_INTERVAL_MS = 10_000;

/**
 * "on the record at topic t, partition p, offset o" for a row of the batch (found by identity: a call in a
 * filter, projection or aggregate argument over the source sees the source row itself). A row derived from
 * the batch (a window result, a joined row) is described by the batch being processed.
 */
export function describeOrigin(batch: SourceBatch, row: unknown): string {
  const i = batch.rows.indexOf(row as Row);
  const kafka = parseSplit(batch.split);
  const where = kafka ? `topic ${kafka.topic}, partition ${kafka.partition}` : `source ${batch.split}`;
  const offsets = batch.offsets;
  if (i >= 0 && offsets?.[i] !== undefined) return `on the record at ${where}, offset ${offsets[i]}`;
  if (i >= 0) return `on the record at ${where}, record ${i + 1} of its batch`;
  if (offsets && offsets.length > 0) return `on a row derived from ${where}, offsets ${offsets[0]}..${offsets[offsets.length - 1]}`;
  return `on a row derived from ${where}`;
}

export async function startUdfRuntime(job: PreparedJob, options: UdfRuntimeOptions): Promise<UdfRuntime> {
  const { telemetry } = options;
  const logger = options.logger.child({ component: 'udf' });
  const udf = job.config.udf;
  let batch: SourceBatch | undefined;

  const lastLog = new Map<FunctionSlot, { at: number; suppressed: number }>();
  const binding: SlotBinding = {
    policy: udf.errorPolicy,
    origin: (row) => (batch === undefined ? undefined : describeOrigin(batch, row)),
    onNullResult(slot: FunctionSlot, error: () => UdfCallError) {
      const now = Date.now();
      const seen = lastLog.get(slot);
      if (seen && now - seen.at < NULL_LOG_INTERVAL_MS) {
        seen.suppressed++;
        return;
      }
      const suppressed = seen?.suppressed ?? 0;
      lastLog.set(slot, { at: now, suppressed: 0 });
      logger.warn(`${error().message}; the call gives NULL (UDF_ERROR_POLICY=NULL)`, {
        function: slot.name,
        ...(suppressed > 0 ? { moreFailuresSinceLastLog: suppressed } : {}),
      });
    },
  };
  for (const slot of job.slots.values()) slot.binding = binding;

  // The functions the plan uses: the catalog remembers what the planner resolved.
  const used: FunctionSlot[] = [];
  for (const def of job.functions.used()) {
    const slot = slotOf(def);
    if (slot !== undefined && !used.includes(slot)) used.push(slot);
  }
  const metrics = new Map<FunctionSlot, UdfMetrics>();
  for (const slot of used) {
    const m = telemetry.udfMetrics(slot.name);
    metrics.set(slot, m);
    const cur = slot.current;
    if (cur.kind === 'scalar' && cur.evalAsync) slot.onLatency = (ms) => m.latencySeconds.observe(ms / 1000);
  }

  const ctx: FunctionContext = {
    config: udf.settings,
    protoTypes: (name) => {
      if (!job.registry) return undefined;
      try {
        return job.registry.lookupType(name);
      } catch {
        return undefined;
      }
    },
  };

  const opened: FunctionSlot[] = [];
  const closeOpened = async (): Promise<void> => {
    for (const slot of opened.splice(0).reverse()) {
      try {
        await slot.current.close?.();
      } catch (e) {
        logger.warn(`closing function ${slot.name} failed: ${(e as Error).message}`);
      }
      slot.opened = false;
    }
  };
  try {
    for (const slot of used) {
      const open = slot.current.open;
      if (open) {
        try {
          await open(ctx);
        } catch (e) {
          throw userError(`function ${slot.name} could not be opened: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      slot.opened = true;
      opened.push(slot);
    }
  } catch (e) {
    await closeOpened();
    throw e;
  }

  const flush = (): void => {
    for (const [slot, m] of metrics) {
      if (slot.calls > 0) {
        m.calls.inc(slot.calls);
        slot.calls = 0;
      }
      if (slot.errors > 0) {
        m.errors.inc(slot.errors);
        slot.errors = 0;
      }
    }
  };

  // ---- hot reload -------------------------------------------------------------------------------------
  let watcher: UdfWatcher | undefined;
  let reloads: Promise<void> = Promise.resolve();
  /** Function names already warned about (removed from their file / new while running): logged once each. */
  const warnedRemoved = new Set<string>();
  const warnedNew = new Set<string>();
  const reload = async (change: UdfChange): Promise<void> => {
    const via = change.cause === change.file ? '' : ` (it imports ${change.cause}, which changed)`;
    // A function the running job has that the file no longer defines keeps its last definition until a restart.
    const defined = new Set(change.all.map((d) => d.name.toUpperCase()));
    for (const d of change.defs) warnedRemoved.delete(d.name.toUpperCase());
    const removed = change.previous
      .map((d) => d.name)
      .filter((n) => !defined.has(n.toUpperCase()) && job.slots.has(n.toUpperCase()) && !warnedRemoved.has(n.toUpperCase()));
    if (removed.length > 0) {
      for (const n of removed) warnedRemoved.add(n.toUpperCase());
      const one = removed.length === 1;
      const names = `${one ? 'function' : 'functions'} ${removed.join(', ')}`;
      logger.warn(
        change.deleted
          ? `UDF file ${change.file} was deleted; its ${names} ${one ? 'keeps' : 'keep'} working in the running job until a restart`
          : `${names} ${one ? 'is' : 'are'} no longer defined in ${change.file}; the running job keeps the last definition until a restart`,
      );
    }
    for (const def of change.defs) await reloadOne(def, change.file, via);
  };
  const reloadOne = async (def: FunctionDef, file: string, via: string): Promise<void> => {
    const slot = job.slots.get(def.name.toUpperCase());
    if (slot === undefined) {
      if (!warnedNew.has(def.name.toUpperCase())) {
        warnedNew.add(def.name.toUpperCase());
        logger.warn(`function ${def.name} in ${file} is new: available after a restart (the running query was planned without it)`);
      }
      return;
    }
    if (slot.current === def) return;
    const why = slot.incompatibility(def);
    if (why !== undefined) {
      logger.error(`not reloading function ${def.name} from ${file}: ${why}; the job keeps the previous definition (restart the job to change a signature)`);
      return;
    }
    if (slot.opened && def.open) {
      try {
        await def.open(ctx);
      } catch (e) {
        logger.error(`not reloading function ${def.name} from ${file}: its open() failed: ${(e as Error).message}; the job keeps the previous definition`);
        return;
      }
    }
    const old = slot.swap(def);
    if (slot.opened) {
      try {
        await old.close?.();
      } catch (e) {
        logger.warn(`closing the previous definition of ${def.name} failed: ${(e as Error).message}`);
      }
    }
    logger.info(`reloaded function ${slot.name} from ${file}${via}`);
  };
  if (options.watch && udf.folders.length > 0) {
    watcher = watchUdfFolders(
      udf.folders,
      (change) => {
        reloads = reloads.then(() => reload(change)).catch((e: unknown) => logger.error(`UDF reload of ${change.file} failed: ${(e as Error).message}`));
      },
      {
        ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
        onError: (e, file) => logger.error(`UDF file ${file} was not reloaded: ${e instanceof Error ? e.message : String(e)}; the job keeps the previous functions`),
      },
    );
    logger.info(`watching UDF folders for changes: ${udf.folders.join(', ')}`);
  } else if (options.watch) {
    logger.warn('UDF watching is on but UDF_FOLDERS is empty: nothing to watch');
  }

  return {
    setBatch(b) {
      batch = b;
    },
    flush,
    async close() {
      watcher?.close();
      await reloads;
      flush();
      await closeOpened();
    },
  };
}
