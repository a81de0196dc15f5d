/**
 * A partition assigner that respects each member's subscription.
 *
 * Why: Dagger's docs configure multi-stream jobs with one consumer group id for all streams, and Dirk runs
 * one kafkajs consumer per stream. kafkajs' own RoundRobinAssigner runs on the group leader with only the
 * leader's topics and deals them out to every member, whatever each subscribed to: the streams of a job
 * then steal each other's partitions (a bounded job hangs, an unbounded one silently reads part of its
 * input). Java's assignors, which Dagger relies on through Flink, honour subscriptions; this one does too.
 *
 * Each topic's partitions go only to the members subscribed to it, each to the subscriber holding the
 * fewest partitions so far (ties by member id), so two instances of a job split every stream's partitions
 * between them, and several streams of one instance sharing a group id each get exactly their own topics.
 * Offsets stay committed under the one group id, as Dagger commits them, so a job moved from Dagger keeps
 * its positions.
 */
import type { Assigner, Cluster, GroupMember, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';
import kafkajs from './kafkajs.js';

const { AssignerProtocol, PartitionAssigners } = kafkajs;

export const SUBSCRIPTION_ASSIGNER_NAME = 'DirkSubscriptionAssigner';

/** Topic -> partitions, per member id; the pure part of the assignment (unit-tested without a broker). */
export function assignBySubscription(
  subscriptions: ReadonlyMap<string, readonly string[]>,
  partitionsOf: (topic: string) => readonly number[],
): Map<string, Record<string, number[]>> {
  const members = [...subscriptions.keys()].sort();
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m, {}]));
  const load = new Map<string, number>(members.map((m) => [m, 0]));
  const topics = [...new Set([...subscriptions.values()].flat())].sort();
  for (const topic of topics) {
    const subscribers = members.filter((m) => subscriptions.get(m)!.includes(topic));
    for (const partition of [...partitionsOf(topic)].sort((a, b) => a - b)) {
      let best = subscribers[0]!;
      for (const m of subscribers) if (load.get(m)! < load.get(best)!) best = m;
      load.set(best, load.get(best)! + 1);
      (out.get(best)![topic] ??= []).push(partition);
    }
  }
  return out;
}

export const subscriptionAssigner: PartitionAssigner = ({ cluster }: { cluster: Cluster }): Assigner => ({
  name: SUBSCRIPTION_ASSIGNER_NAME,
  version: 0,
  async assign({ members, topics }: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]> {
    const subscriptions = new Map<string, readonly string[]>();
    for (const m of members) {
      const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
      subscriptions.set(m.memberId, meta?.topics ?? topics);
    }
    // The leader knows the metadata of its own topics only; other members' topics are fetched here.
    const all = [...new Set([...subscriptions.values()].flat())];
    await cluster.addMultipleTargetTopics(all);
    const plan = assignBySubscription(subscriptions, (t) => cluster.findTopicPartitionMetadata(t).map((p) => p.partitionId));
    return [...plan].map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }: { topics: string[] }) {
    return { name: SUBSCRIPTION_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

/**
 * The assigners a Dirk consumer offers, preferred first. kafkajs' round robin stays second so that a group
 * still mixing older Dirk instances (which offer only it) agrees on a protocol during a rolling upgrade.
 */
export const DIRK_ASSIGNERS: PartitionAssigner[] = [subscriptionAssigner, PartitionAssigners.roundRobin];

/**
 * A bounded job scaled out (worker threads of one process): which task each member is. Every member of a
 * group carries it in its subscription's user data, so the leader can deal partitions out by task.
 */
export interface TaskAssignment {
  readonly task: number;
  readonly tasks: number;
  /** One run of the process: members of another process (another run id) are foreign. */
  readonly run: string;
}

export const TASK_ASSIGNER_NAME = 'DirkBoundedTaskAssigner';

/**
 * Partition p of every topic goes to the member whose task is p mod tasks (among the topic's subscribers),
 * as Flink deals splits to subtasks: no partition ever moves while the run lasts, so a task joining late
 * takes nothing from the others and a bounded run needs no state to move. A partition whose task has not
 * joined yet stays unassigned until it does. Members of another run get nothing and are named in `foreign`.
 */
export function assignByTask(
  members: ReadonlyMap<string, { readonly topics: readonly string[]; readonly task?: TaskAssignment | undefined }>,
  partitionsOf: (topic: string) => readonly number[],
  run: string,
): { readonly plan: Map<string, Record<string, number[]>>; readonly foreign: readonly string[] } {
  const ids = [...members.keys()].sort();
  const plan = new Map<string, Record<string, number[]>>(ids.map((m) => [m, {}]));
  const foreign = ids.filter((m) => members.get(m)!.task?.run !== run);
  const ours = ids.filter((m) => !foreign.includes(m));
  const topics = [...new Set(ours.flatMap((m) => members.get(m)!.topics))].sort();
  for (const topic of topics) {
    const subscribers = ours.filter((m) => members.get(m)!.topics.includes(topic));
    for (const partition of [...partitionsOf(topic)].sort((a, b) => a - b)) {
      const owner = subscribers.find((m) => partition % members.get(m)!.task!.tasks === members.get(m)!.task!.task);
      if (owner) (plan.get(owner)![topic] ??= []).push(partition);
    }
  }
  return { plan, foreign };
}

/**
 * The assigner of a bounded scaled-out run (see assignByTask). `onForeign` hears of members of another run
 * (another process of the same job): a bounded run scaled out is one process's worker threads only.
 */
export function taskAssigner(me: TaskAssignment, onForeign: (members: readonly string[]) => void): PartitionAssigner {
  return ({ cluster }: { cluster: Cluster }): Assigner => ({
    name: TASK_ASSIGNER_NAME,
    version: 0,
    async assign({ members, topics }: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]> {
      const all = new Map<string, { topics: readonly string[]; task?: TaskAssignment }>();
      for (const m of members) {
        const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
        let task: TaskAssignment | undefined;
        try {
          const parsed = meta?.userData?.length ? (JSON.parse(meta.userData.toString('utf8')) as TaskAssignment) : undefined;
          if (parsed && Number.isInteger(parsed.task) && Number.isInteger(parsed.tasks) && typeof parsed.run === 'string') task = parsed;
        } catch {
          task = undefined;
        }
        all.set(m.memberId, { topics: meta?.topics ?? topics, ...(task ? { task } : {}) });
      }
      await cluster.addMultipleTargetTopics([...new Set([...all.values()].flatMap((m) => m.topics))]);
      const { plan, foreign } = assignByTask(all, (t) => cluster.findTopicPartitionMetadata(t).map((p) => p.partitionId), me.run);
      if (foreign.length > 0) onForeign(foreign);
      return [...plan].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }: { topics: string[] }) {
      return { name: TASK_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.from(JSON.stringify(me)) }) };
    },
  });
}
