import type { SourceBatch } from '../core/connector.js';
import type { Logger } from '../core/logger.js';
import type { Row, RowKind } from '../core/types.js';
import type { PreparedJob } from '../job/prepare.js';
import type { Telemetry } from '../telemetry/index.js';
import { StageRunner } from './runner.js';

/** Rows allowed between the SQL and the sink before a delivery waits for the post-processors. */
const MAX_POST_BACKLOG = 10_000;

/**
 * The post-processor chain in a running job: what the StreamManager calls. Rows from the dataflow are
 * pushed (never blocking), a delivery waits only when the backlog is long, a checkpoint waits for
 * everything pushed (`settle`), and a stage failure stops the job through `onError`.
 */
export interface RunningPostChain {
  push(rows: Row[], kinds: RowKind[] | undefined): void;
  watermark(time: number): void;
  /** Names the source batch being delivered, for error messages (undefined between deliveries). */
  setOrigin(table: string | undefined, batch?: SourceBatch): void;
  backpressure(): Promise<void>;
  settle(): Promise<void>;
  snapshot(): unknown[];
  restore(states: readonly unknown[]): void;
  close(): Promise<void>;
}

export interface PostChainOptions {
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly write: (rows: Row[], kinds?: RowKind[]) => void;
  readonly onError: (e: unknown) => void;
}

export async function startPostChain(job: PreparedJob, o: PostChainOptions): Promise<RunningPostChain> {
  const chain = job.post!;
  const runner = new StageRunner(chain.stages, (b) => o.write(b.rows, b.kinds), o.onError);
  let origin: string | undefined;
  try {
    await runner.open({ logger: o.logger, telemetry: o.telemetry, registry: job.registry, now: Date.now });
  } catch (e) {
    await runner.close().catch(() => undefined);
    throw e;
  }
  o.logger.info(`post-processors: ${chain.stages.map((s) => s.name).join(' -> ')}`);
  return {
    push: (rows, kinds) => runner.push(rows, kinds, origin ?? 'rows emitted when event time advanced'),
    watermark: (time) => runner.watermark(time),
    setOrigin(table, batch) {
      if (table === undefined || batch === undefined) {
        origin = undefined;
        return;
      }
      const offs = batch.offsets;
      const range = offs && offs.length ? (offs.length === 1 ? `, offset ${offs[0]}` : `, offsets ${offs[0]}-${offs[offs.length - 1]}`) : '';
      origin = `table ${table}, ${batch.split}${range}`;
    },
    async backpressure() {
      if (runner.backlog() > MAX_POST_BACKLOG) await runner.settle();
    },
    settle: () => runner.settle(),
    snapshot: () => runner.snapshot(),
    restore: (states) => runner.restore(states),
    close: () => runner.close(),
  };
}
