/**
 * Several sinks behind the one Sink the job writes to (SINKS). Every sink gets the same rows; each keeps its
 * own buffer, backlog and flush, so a slow or batching sink does not hold back another: between checkpoints a
 * sink is flushed when it needs to be (after every batch for one that reports no backlog, past the backlog
 * bound for one that does), and a checkpoint flushes all of them in parallel and completes only when every
 * one has acknowledged. A failed flush names the sink.
 */
import type { Sink } from '../core/connector.js';
import { DirkError } from '../core/errors.js';
import type { DataMessage } from '../core/types.js';

export interface NamedSink {
  readonly name: string;
  readonly sink: Sink;
}

export interface FanOutSink extends Sink {
  readonly members: readonly NamedSink[];
  /** Flushes the members that are due (see above); true when any was. */
  flushDue(maxBacklog: number): Promise<boolean>;
}

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
  const due = (s: Sink, max: number): boolean => !s.pending || s.pending() > max;
  return {
    name: members.map((m) => m.name).join('+'),
    members,
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
    pending: () => Math.max(0, ...members.map((m) => m.sink.pending?.() ?? 0)),
    async flushDue(maxBacklog) {
      const now = members.filter((m) => due(m.sink, maxBacklog));
      if (now.length === 0) return false;
      await each(now, (s) => s.flush());
      return true;
    },
    close: () => each(members, (s) => s.close()),
  };
}

/** Flushes what is due after a batch: the members of a fan-out that need it, or a single sink as before. */
export async function flushDueSinks(sink: Sink, maxBacklog: number): Promise<boolean> {
  if ('flushDue' in sink) return (sink as FanOutSink).flushDue(maxBacklog);
  if (sink.pending && sink.pending() <= maxBacklog) return false;
  await sink.flush();
  return true;
}
