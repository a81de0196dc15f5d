import { planInputs } from './children.js';
import type { PlanNode, QueryPlan } from './nodes.js';

/**
 * Sub-plan reuse (Flink's `table.optimizer.reuse-sub-plan-enabled`, on by default there too): where a query
 * computes the same thing twice (Nexmark q5's two identical HOP counts, a view used by two branches of a
 * statement set), the dataflow runs it once and feeds every consumer from that one operator.
 *
 * Two nodes are the same sub-plan when their digests are equal: the node's own content (kind, expressions,
 * keys, windows, output types) with each input replaced by the input's digest. Where an expression was
 * written (`pos`) and a column reference's display name do not count, so the same text written twice in a
 * query matches. A sub-plan is never shared when it calls a non-deterministic function (RAND(), UUID(),
 * NOW() ...), reads PROCTIME(), or looks rows up in an external system: running it once would change what
 * each consumer sees (or how often the system is asked).
 */

/** Fields that hold a node's inputs (their digests stand in for them) or only describe where text was written. */
const SKIP = new Set(['input', 'inputs', 'left', 'right', 'pos']);

class NotReusable extends Error {}

/** Numbers objects compared by identity (functions; a scan's table, which may hold a whole descriptor). */
class Identities {
  private readonly map = new WeakMap<object, number>();
  private next = 0;
  of(o: object): number {
    let id = this.map.get(o);
    if (id === undefined) this.map.set(o, (id = ++this.next));
    return id;
  }
}

/** A stable text for a plan value; throws NotReusable where sharing would change results. */
function describe(v: unknown, ids: Identities, depth: number): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'u';
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 't' : 'f';
    case 'symbol':
      return 's';
    case 'function':
      return `fn${ids.of(v)}`;
  }
  if (depth > 64) throw new NotReusable();
  const o = v as Record<string, unknown>;
  if (o['k'] === 'op' && o['op'] === 'PROCTIME') throw new NotReusable();
  if (o['k'] === 'call') {
    const fn = o['fn'] as { def?: { deterministic?: boolean } } | undefined;
    if (fn?.def?.deterministic === false) throw new NotReusable();
  }
  if (Array.isArray(v)) return `[${v.map((x) => describe(x, ids, depth + 1)).join(',')}]`;
  if (v instanceof Set) return `S[${[...v].map((x) => describe(x, ids, depth + 1)).sort().join(',')}]`;
  if (v instanceof Map) return `M[${[...v].map(([a, b]) => `${describe(a, ids, depth + 1)}:${describe(b, ids, depth + 1)}`).sort().join(',')}]`;
  if (v instanceof Date) return `D${v.getTime()}`;
  if (ArrayBuffer.isView(v)) return `B${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  const colRef = o['k'] === 'col';
  let s = '{';
  const scan = o['kind'] === 'scan';
  for (const key of Object.keys(o).sort()) {
    if (SKIP.has(key) || (colRef && key === 'name')) continue;
    s += scan && key === 'table' ? `table=#${ids.of(o[key] as object)};` : `${key}=${describe(o[key], ids, depth + 1)};`;
  }
  return `${s}}`;
}

/**
 * For every node of the plan, the node that computes the same rows and is built in its place (itself when
 * it is the first of its kind, or when it must not be shared). Off, every node maps to itself.
 */
export function canonicalNodes(plan: QueryPlan, enabled: boolean): Map<PlanNode, PlanNode> {
  const canonical = new Map<PlanNode, PlanNode>();
  const digests = new Map<PlanNode, string>();
  const byDigest = new Map<string, PlanNode>();
  const ids = new Identities();
  let unique = 0;

  const visit = (n: PlanNode): string => {
    const known = digests.get(n);
    if (known !== undefined) return known;
    const inputs = planInputs(n).map(visit);
    let digest: string | null = null;
    if (enabled && n.kind !== 'lookupJoin') {
      try {
        digest = `${describe(n, ids, 0)}<${inputs.join('|')}>`;
      } catch (e) {
        if (!(e instanceof NotReusable)) throw e;
      }
    }
    const first = digest === null ? undefined : byDigest.get(digest);
    if (first) canonical.set(n, first);
    else {
      canonical.set(n, n);
      if (digest !== null) byDigest.set(digest, n);
    }
    // A node that must not be shared gets a digest of its own, so nothing above it is merged either (two
    // copies of a RAND() column stay two one level up too).
    const result = digest ?? `unique${unique++}`;
    digests.set(n, result);
    return result;
  };
  for (const root of plan.branches ? plan.branches.map((b) => b.root) : [plan.root]) visit(root);
  return canonical;
}
