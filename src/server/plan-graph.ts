/**
 * The job graph the UI draws, read from the physical plan `dirk explain` prints (one line per operator:
 * `#N Name...; state: ...; reads #M, #K`), so the graph always shows what the job really runs.
 */
export interface PlanNode {
  readonly id: string;
  readonly label: string;
  readonly state: string;
}

export interface PlanGraph {
  readonly nodes: readonly PlanNode[];
  /** from -> to, in the direction records flow. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export function planGraph(explain: string, sink: string): PlanGraph {
  const nodes: PlanNode[] = [];
  const edges: { from: string; to: string }[] = [];
  const physical = explain.slice(Math.max(0, explain.indexOf('physical plan')));
  for (const line of physical.split('\n')) {
    const m = /^\s*#(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const id = `#${m[1]}`;
    const parts = m[2]!.split('; ');
    const label = parts[0]!;
    const state = parts.find((p) => p.startsWith('state: '))?.slice('state: '.length) ?? '';
    nodes.push({ id, label, state });
    const reads = parts.find((p) => p.startsWith('reads '));
    if (reads) for (const r of reads.slice('reads '.length).split(/,\s*/)) if (/^#\d+$/.test(r.trim())) edges.push({ from: r.trim(), to: id });
  }
  if (nodes.length > 0) {
    nodes.push({ id: 'sink', label: `Sink[${sink}]`, state: 'flushed at checkpoints' });
    edges.push({ from: nodes[0]!.id, to: 'sink' });
  }
  return { nodes, edges };
}
