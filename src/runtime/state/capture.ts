import { join } from 'node:path';
import { KeyedState, type KeyedCapture } from './keyed-state.js';
import { OFF_HEAP_SNAPSHOT_VERSION, OffHeapState, type OffHeapSnapshotRef } from './off-heap.js';

/**
 * The structural capture of operator states for a checkpoint written off the hot path. At the barrier (inside
 * the delivery lock) each KeyedState found in an operator's snapshot, up to a few levels down (`{ groups }`,
 * `{ sides: [left, right] }`), is replaced by a stub naming a stream, and a copy-on-write capture of it is
 * started; everything else in the snapshot is small and is serialised at once. The streams are serialised
 * and written afterwards, in chunks, between batches. Restoring puts a plain Map back where each stub was.
 */
const STUB = '$dirkKeyed';
/** Where an off-heap state was: `{ $dirkOffHeap: file name in the checkpoint folder, v: version }`. */
const OFF_HEAP_STUB = '$dirkOffHeap';
const DEPTH = 5;

export interface CapturedStates {
  /** The states with every KeyedState replaced by `{ $dirkKeyed: stream }`. */
  readonly head: unknown[];
  readonly streams: KeyedCapture[];
  /** Off-heap states (FLINK_STATE_BACKEND_TYPE=rocksdb), each copied to the file its stub names. */
  readonly offHeap: { readonly state: OffHeapState<unknown>; readonly file: string }[];
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Walks arrays and plain objects up to DEPTH levels, copying only the containers on a replaced path. */
function replace(x: unknown, depth: number, f: (v: unknown) => unknown): unknown {
  const r = f(x);
  if (r !== x || depth >= DEPTH) return r;
  if (Array.isArray(x)) {
    let copy: unknown[] | undefined;
    x.forEach((v, i) => {
      const n = replace(v, depth + 1, f);
      if (n !== v) (copy ??= x.slice())[i] = n;
    });
    return copy ?? x;
  }
  if (isPlainObject(x)) {
    let copy: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(x)) {
      const n = replace(v, depth + 1, f);
      if (n !== v) (copy ??= { ...x })[k] = n;
    }
    return copy ?? x;
  }
  return x;
}

/** Starts a capture of every KeyedState in `states` (call it at the barrier). */
export function captureStates(states: readonly unknown[], offHeapFile: (n: number) => string = (n) => `s${n}.mdb`): CapturedStates {
  const streams: KeyedCapture[] = [];
  const offHeap: CapturedStates['offHeap'] = [];
  const head = states.map((s) =>
    replace(s, 0, (v) => {
      if (v instanceof OffHeapState) {
        const file = offHeapFile(offHeap.length);
        offHeap.push({ state: v as OffHeapState<unknown>, file });
        return { [OFF_HEAP_STUB]: file, v: OFF_HEAP_SNAPSHOT_VERSION };
      }
      if (!(v instanceof KeyedState)) return v;
      streams.push(v.capture());
      return { [STUB]: streams.length - 1 };
    }),
  );
  return { head, streams, offHeap };
}

/** The states with every off-heap state read into a Map (a checkpoint written in one piece). */
export function materializeOffHeap(states: readonly unknown[]): unknown[] {
  return states.map((s) => replace(s, 0, (v) => (v instanceof OffHeapState ? v.toMap() : v)));
}

/** Puts the restored entries of each stream back where its stub is. */
export function restoreStreams(head: readonly unknown[], streams: readonly Map<unknown, unknown>[], dir = '.'): unknown[] {
  return head.map((s) =>
    replace(s, 0, (v) => {
      if (isPlainObject(v) && typeof v[OFF_HEAP_STUB] === 'string') {
        return { $dirkOffHeapFile: join(dir, v[OFF_HEAP_STUB]), v: typeof v['v'] === 'number' ? v['v'] : 1 } satisfies OffHeapSnapshotRef;
      }
      if (!isPlainObject(v) || typeof v[STUB] !== 'number') return v;
      return streams[v[STUB]] ?? new Map();
    }),
  );
}

/** Entries held in keyed state (and other Maps) of the states, for messages about state size. */
export function countEntries(states: readonly unknown[]): number {
  let n = 0;
  for (const s of states) {
    replace(s, 0, (v) => {
      if (v instanceof Map) n += v.size;
      return v;
    });
  }
  return n;
}
