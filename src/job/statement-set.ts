import { userError } from '../core/errors.js';
import type { JobConfig } from '../config/index.js';
import type { QueryPlan } from '../plan/nodes.js';

/**
 * A job of several INSERT INTO statements (a statement set): each INSERT is a branch of the plan writing its
 * own table, and the SINKS entries say by SINK_TABLE which table each sink writes. One job reads every source
 * once for all branches, and a checkpoint flushes every branch's sinks before the offsets are committed.
 *
 * Returns, per branch in plan order, the indices of its SINKS entries; undefined for a job of one result.
 * Throws a user error when the sinks and the INSERT targets do not match, or when the job asks for what a
 * statement set does not run yet.
 */
export function statementSetSinks(config: JobConfig, plan: QueryPlan, hasPost: boolean): number[][] | undefined {
  const branches = plan.branches;
  if (!branches) return undefined;
  // Two INSERTs into one table write to the same sinks.
  const targets = branches.map((b) => b.target);
  const list = [...new Set(targets)].join(', ');
  if (hasPost) {
    throw userError(`FLINK_SQL_QUERY has several INSERT INTO (${list}): post-processors (PROCESSOR_*, Longbow) do not run on a statement set yet; run each INSERT as its own job`);
  }
  if (config.exchange) {
    throw userError(`FLINK_SQL_QUERY has several INSERT INTO (${list}): scale-out (DIRK_EXCHANGE_ENABLE, or DIRK_TASKS / FLINK_PARALLELISM > 1) does not run a statement set yet; run the job as one task`);
  }
  if (!config.raw['SINKS']) {
    throw userError(`FLINK_SQL_QUERY has several INSERT INTO (${list}): give SINKS, one entry per target table with its SINK_TABLE`, { key: 'SINKS' });
  }
  config.sinks.forEach((s, i) => {
    if (s.table === undefined) throw userError(`SINKS[${i}]: SINK_TABLE is required when FLINK_SQL_QUERY has several INSERT INTO (${list})`, { key: `SINKS[${i}].SINK_TABLE` });
    if (!targets.includes(s.table)) throw userError(`SINKS[${i}].SINK_TABLE '${s.table}' is not an INSERT INTO target of FLINK_SQL_QUERY (${list})`, { key: `SINKS[${i}].SINK_TABLE` });
  });
  return targets.map((t) => {
    const indices = config.sinks.flatMap((s, i) => (s.table === t ? [i] : []));
    if (indices.length === 0) throw userError(`INSERT INTO ${t} has no sink: add a SINKS entry with SINK_TABLE '${t}'`, { key: 'SINKS' });
    return indices;
  });
}
