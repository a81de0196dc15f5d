import { userError } from '../../core/errors.js';

/**
 * Typed, versioned operator snapshots. Every stateful operator names the kind and version of the state it
 * writes (`StateSpec`); the dataflow wraps each operator's state as `{ $kind, $v, data }` in a checkpoint and,
 * on restore, checks the kind (another operator at that place means the query changed) and the version:
 *
 * - the same version: restored as is;
 * - version 0 (checkpoints written before states were versioned, no envelope): the shape every operator had
 *   then is its version 1, so it is read as version 1;
 * - an older version: the operator's `migrate` brings it up to date, or the restore fails naming both
 *   versions;
 * - a newer version (written by a newer Dirk): the restore fails naming both versions.
 *
 * Bump an operator's version whenever the shape of what its `snapshot()` returns changes, and give it a
 * `migrate` from the previous shape when that is possible.
 */
export interface StateSpec {
  /** Stable name of the state's shape (not the operator's display name, which carries parameters). */
  readonly kind: string;
  readonly version: number;
  /** Turns the data of an older version (`from` >= 1) into the current shape. */
  readonly migrate?: (data: unknown, from: number) => unknown;
}

export interface VersionedState {
  readonly $kind: string;
  readonly $v: number;
  readonly data: unknown;
}

export function versionedState(spec: StateSpec, data: unknown): VersionedState {
  return { $kind: spec.kind, $v: spec.version, data };
}

export function isVersionedState(x: unknown): x is VersionedState {
  return typeof x === 'object' && x !== null && typeof (x as VersionedState).$kind === 'string' && typeof (x as VersionedState).$v === 'number';
}

/**
 * The current-shape data of a saved operator state, or a user error naming the operator (`where`, e.g.
 * "operator #2 (GroupAggregate)"), what the checkpoint holds and what this Dirk reads.
 */
export function readVersionedState(spec: StateSpec, saved: unknown, where: string): unknown {
  const kind = isVersionedState(saved) ? saved.$kind : spec.kind;
  const version = isVersionedState(saved) ? saved.$v : 0;
  const data = isVersionedState(saved) ? saved.data : saved;
  if (kind !== spec.kind) {
    throw userError(`checkpoint state of ${where} is ${kind} state, expected ${spec.kind}: the query changed since the checkpoint was taken`);
  }
  if (version === spec.version || (version === 0 && spec.version === 1)) return data;
  if (version > spec.version) {
    throw userError(
      `checkpoint state of ${where} is ${kind} version ${version}, written by a newer Dirk; this one reads up to version ${spec.version}: run the newer Dirk, or start without the checkpoint`,
    );
  }
  if (!spec.migrate) {
    throw userError(
      `checkpoint state of ${where} is ${kind} version ${version}, which this Dirk no longer reads (it reads version ${spec.version}): run the Dirk that wrote it to its end, or start without the checkpoint`,
    );
  }
  return spec.migrate(data, Math.max(1, version));
}
