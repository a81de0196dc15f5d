import { explainPlan } from '../plan/printer.js';
import type { QueryPlan } from '../plan/nodes.js';
import { explainPhysical, type PhysicalOptions } from '../runtime/physical-plan.js';

/**
 * `dirk explain`: the logical plan (plan nodes with their expressions and output columns), then the
 * physical plan (the operators the dataflow builds, their state, inputs and watermark handling).
 */
export function explainJob(plan: QueryPlan, options: PhysicalOptions = {}): string {
  const indent = (text: string): string => text.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return ['logical plan:', indent(explainPlan(plan)), '', 'physical plan (operators as built, root first):', indent(explainPhysical(plan, options))].join('\n');
}
