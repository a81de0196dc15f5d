import { explainPlan } from '../plan/printer.js';
import type { QueryPlan } from '../plan/nodes.js';
import { explainPhysical, type PhysicalOptions } from '../runtime/physical-plan.js';
import type { JobConfig } from '../config/index.js';

/**
 * `dirk explain`: the logical plan (plan nodes with their expressions and output columns), then the
 * physical plan (the operators the dataflow builds, their state, inputs and watermark handling).
 */
/** The physical plan's options from a job's config (FLINK_WATERMARK_DELAY_MS, FLINK_STATE_BACKEND_TYPE, sub-plan reuse). */
export function physicalOptionsOf(config: JobConfig): PhysicalOptions {
  return { watermarkDelayMs: config.watermark.delayMs, stateBackend: config.stateBackend.type, reuseSubPlans: config.reuseSubPlans };
}

export function explainJob(plan: QueryPlan, options: PhysicalOptions = {}): string {
  const indent = (text: string): string => text.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return ['logical plan:', indent(explainPlan(plan)), '', 'physical plan (operators as built, root first):', indent(explainPhysical(plan, options))].join('\n');
}
