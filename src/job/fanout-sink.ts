/**
 * Several sinks behind the one Sink the job writes to (SINKS). Every sink gets the same rows and keeps its
 * own buffer, and is flushed on its own schedule, as it would be alone:
 * - members that report a backlog (`pending`: Kafka, HTTP) are flushed at watermark ticks and checkpoints,
 *   or after a batch that takes the largest of their backlogs past the bound;
 * - members that do not (log, InfluxDB) are flushed after every batch (`afterBatch`), without flushing the
 *   others.
 * A full flush (ticks, checkpoints) flushes every member in parallel and completes only when each has
 * acknowledged; a failed flush names the sink, after the others have finished theirs. With no member that
 * reports a backlog, the fan-out reports none either, and the whole output is flushed after every batch.
 */
import type { Sink } from '../core/connector.js';
import { DirkError } from '../core/errors.js';
import type { DataMessage } from '../core/types.js';

export interface NamedSink {
  readonly name: string;
  readonly sink: Sink;
}

export type FanOutSink = Sink & { readonly members: readonly NamedSink[] };

function failure(name: string, e: unknown): DirkError {
  const err = e instanceof DirkError ? e : undefined;
  return new DirkError(`sink ${name}: ${(e as Error).message}`, { domain: err?.domain ?? 'external', cause: e });
}

/** Runs `fn` on every member in parallel; throws the first failure (naming its sink) after all have settled. */
async function each(members: readonly NamedSink[], fn: (s: Sink) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(members.map((m) => fn(m.sink)));
  const i = results.findIndex((r) => r.status === 'rejected');
  if (i >= 0) throw failure(members[i]!.name, (results[i] as PromiseRejectedResult).reason);
}

export function createFanOutSink(members: readonly NamedSink[]): FanOutSink {
  const backlogged = members.filter((m) => m.sink.pending !== undefined);
  const perBatch = members.filter((m) => m.sink.pending === undefined);
  return {
    name: members.map((m) => m.name).join('+'),
    members,
    // At most one member is transactional (validateSinkCompatibility); its transaction is the job's.
    transactions: members.find((m) => m.sink.transactions)?.sink.transactions,
    async open() {
      for (const m of members) {
        try {
          await m.sink.open();
        } catch (e) {
          throw failure(m.name, e);
        }
      }
    },
    write(batch: DataMessage) {
      for (const m of members) m.sink.write(batch);
    },
    flush: () => each(members, (s) => s.flush()),
    ...(backlogged.length > 0
      ? {
          pending: () => Math.max(0, ...backlogged.map((m) => m.sink.pending!())),
          afterBatch: () => each(perBatch, (s) => s.flush()),
        }
      : {}),
    close: () => each(members, (s) => s.close()),
  };
}
