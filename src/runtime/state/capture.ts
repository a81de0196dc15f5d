import { KeyedState, type KeyedCapture } from './keyed-state.js';

/**
 * The structural capture of operator states for a checkpoint written off the hot path. At the barrier (inside
 * the delivery lock) each KeyedState found in an operator's snapshot, up to a few levels down (`{ groups }`,
 * `{ sides: [left, right] }`), is replaced by a stub naming a stream, and a copy-on-write capture of it is
 * started; everything else in the snapshot is small and is serialised at once. The streams are serialised
 * and written afterwards, in chunks, between batches. Restoring puts a plain Map back where each stub was.
 */
const STUB = '$dirkKeyed';
const DEPTH = 5;

export interface CapturedStates {
  /** The states with every KeyedState replaced by `{ $dirkKeyed: stream }`. */
  readonly head: unknown[];
  readonly streams: KeyedCapture[];
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
export function captureStates(states: readonly unknown[]): CapturedStates {
  const streams: KeyedCapture[] = [];
  const head = states.map((s) =>
    replace(s, 0, (v) => {
      if (!(v instanceof KeyedState)) return v;
      streams.push(v.capture());
      return { [STUB]: streams.length - 1 };
    }),
  );
  return { head, streams };
}

/** Puts the restored entries of each stream back where its stub is. */
export function restoreStreams(head: readonly unknown[], streams: readonly Map<unknown, unknown>[]): unknown[] {
  return head.map((s) =>
    replace(s, 0, (v) => {
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
