/**
 * The Kafka source: a kafkajs consumer group reading every topic that SOURCE_KAFKA_TOPIC_NAMES matches,
 * decoding each record value into a row and handing one batch per fetched partition batch to the dataflow.
 *
 * Offsets. kafkajs runs with autoCommit off and eachBatchAutoResolve off. A partition's position (next
 * offset) moves when the job calls the batch's `processed` (inside its checkpoint lock, together with the
 * state the rows changed), and only after `ctx.deliver` has resolved is the offset resolved in kafkajs. A
 * restored partition that has delivered nothing yet reports its restore position, so a checkpoint taken
 * before its first batch still holds it. Offsets reach the group only through `commit(positions)` (called
 * by the checkpoint coordinator when a checkpoint completes), so a crash re-reads from the last completed
 * checkpoint: at-least-once.
 * Under exactly-once, `commit(positions, via)` hands the offsets to the sink's transaction instead (Kafka
 * sendOffsets), and `committedMetadata()` reads back the checkpoint tags the group holds, for restore.
 *
 * Restore. `seek(positions)` is applied with consumer.seek from the GROUP_JOIN event, which kafkajs emits
 * synchronously after every join/sync and before the first fetch of the new generation, so each assigned
 * partition starts at the checkpoint position whenever (and however often) it is assigned to us. We chose
 * this over admin.setOffsets before connecting: setOffsets refuses while the group has members, which is
 * the normal state right after a crash (the dead member stays until its session times out) and always
 * with several instances. As a second guard, records below the restore position are dropped if a fetch
 * ever returns them.
 *
 * Rebalances. On every GROUP_JOIN positions of partitions no longer assigned are dropped, so a checkpoint
 * never commits (and so moves backwards) an offset another member now owns; commits are filtered to the
 * current assignment for the same reason.
 *
 * Bad records follow the stream's policy: FAIL stops the source with a user error (the offending offset
 * is never committed; rows before it in the batch are delivered first), SKIP counts and logs, DEAD_LETTER
 * produces the original key, value and headers plus dirk-* error headers to a topic. Never silently dropped.
 */
import kafkajs from './kafkajs.js';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Message } from 'kafkajs';
import type { OffsetCommitter, Source, SourceBatch, SourceContext, SourcePositions } from '../../core/connector.js';
import { DirkError, externalError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { BadRecordPolicy, RowDecoder } from '../shared/codec.js';
import { BadRecords, type BadRecord } from '../shared/bad-records.js';
import { decodeBatch } from './kafka-batch.js';
import type { UpsertRecords } from './upsert-records.js';
import { createKafkaProducers, type KafkaProducers, type SharedProducer } from './shared-producer.js';
import { DIRK_ASSIGNERS, taskAssigner, type TaskAssignment } from './subscription-assigner.js';
import {
  consumerProperties,
  createKafkaClient,
  parseSplit,
  splitId,
  topicRegex,
  type KafkaSecurity,
} from './kafka-client.js';

export interface KafkaSourceOptions {
  readonly table: string;
  /** SOURCE_KAFKA_TOPIC_NAMES: a regex matched against whole topic names (`a|b` reads two topics). */
  readonly topicPattern: string;
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly autoOffsetReset: 'earliest' | 'latest';
  readonly security?: KafkaSecurity | undefined;
  readonly clientId: string;
  readonly decoder: RowDecoder;
  /** An upsert topic (SOURCE_KAFKA_UPSERT_KEY): records decode to +U rows and tombstones to -D rows. */
  readonly upsert?: UpsertRecords | undefined;
  readonly badRecords: BadRecordPolicy;
  readonly logger: Logger;
  /** BOUNDED: read up to the end offsets seen at start, then run() resolves. Default false (UNBOUNDED). */
  readonly bounded?: boolean;
  /**
   * One task of a bounded run scaled out (worker threads of one process): partitions are dealt out by task
   * (subscription-assigner.ts, taskAssigner), so none moves during the run. A bounded source then announces
   * each of its partitions at its end offset (ctx.splitEnded) and stays in the group, paused, until stopped:
   * the job ends when every task's input has ended (src/cli/tasks.ts), not when one task's has.
   */
  readonly taskAssignment?: TaskAssignment;
  /** SOURCE_KAFKA_CONSUME_LARGE_MESSAGE_ENABLE: 5 MiB per partition fetch instead of 1 MiB. */
  readonly largeMessage?: boolean;
  /** Kafka-spelled consumer properties (passthrough); unmapped ones are warned about. */
  readonly consumerProperties?: Readonly<Record<string, string>>;
  /** kafkajs consumer options that win over everything else (tests use short session timeouts). */
  readonly consumerConfig?: Partial<ConsumerConfig>;
  /** Partitions processed concurrently (kafkajs partitionsConsumedConcurrently); default 1. */
  readonly concurrency?: number;
  /** Called with the topics the pattern resolved to, once, at start (telemetry topic info). */
  readonly onTopics?: (topics: readonly string[]) => void;
  /** The job's shared producer for dead letters; by default the source opens (and closes) its own. */
  readonly producers?: KafkaProducers;
}

/** Per-partition bookkeeping, keyed by split id. */
interface PartitionState {
  /** Next offset to deliver (everything below has been delivered). */
  next: number;
}

/** The consumer's session timeout and heartbeat unless the stream sets them (see consumerConfig). */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

/** How long a gracefully stopped consumer waits in the group for the final commit and close(). */
const LINGER_MS = 30_000;

/** Most bad records logged in detail per batch; the rest are summarised. */
const BAD_RECORD_LOG_LIMIT = 5;

export function createKafkaSource(opts: KafkaSourceOptions): Source {
  return new KafkaSource(opts);
}

class KafkaSource implements Source {
  readonly table: string;
  private readonly logger: Logger;
  private readonly regex: RegExp;
  private readonly policy: BadRecordPolicy;
  private readonly kafka: Kafka;

  /** Delivered positions, per split. */
  private readonly delivered = new Map<string, PartitionState>();
  /** Restore positions from seek(): split -> offset. */
  private readonly restore = new Map<string, number>();
  /** Partitions currently assigned to this member. */
  private assigned = new Set<string>();

  private consumer: Consumer | undefined;
  private deadLetter: SharedProducer | undefined;
  /** Producers this source opened itself (no shared ones given), closed when it stops. */
  private ownProducers: KafkaProducers | undefined;
  private badRecords: BadRecords<KafkaMessage> | undefined;
  private admin: Admin | undefined;
  private running = false;
  private stopping = false;
  private finished: (() => void) | undefined;
  private failed: ((e: unknown) => void) | undefined;
  private shutdown: Promise<void> | undefined;
  private heartbeatEveryMs = 3000;
  /** Batches being handled now (kafkajs may run several partitions at once). */
  private readonly inflight = new Set<Promise<void>>();
  /**
   * Stopped gracefully but still in the group, so the job's final checkpoint commits through the consumer
   * (an outside commit, admin.setOffsets, joins the group and waits for a fetch: ~5 s); close() leaves.
   */
  private lingering = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private topics: string[] = [];

  // Bounded mode: end offsets observed at start, and partitions that reached them.
  private ends: Map<string, number> | undefined;
  private readonly done = new Set<string>();

  constructor(private readonly opts: KafkaSourceOptions) {
    this.table = opts.table;
    this.logger = opts.logger.child({ source: 'kafka', table: opts.table });
    this.regex = topicRegex(opts.topicPattern);
    this.policy = opts.badRecords;
    if (this.policy.mode === 'DEAD_LETTER' && !this.policy.deadLetterTopic) {
      throw userError(`table ${opts.table}: bad-record policy DEAD_LETTER needs a dead-letter topic`);
    }
    this.kafka = createKafkaClient({ brokers: opts.brokers, clientId: opts.clientId, security: opts.security, logger: this.logger });
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  private async resolveTopics(a: Admin): Promise<string[]> {
    const { opts } = this;
    const all = await a.listTopics();
    const topics = all.filter((t) => this.regex.test(t) && !t.startsWith('__')).sort();
    if (topics.length === 0) {
      const sample = all.filter((t) => !t.startsWith('__')).slice(0, 20);
      throw userError(
        `table ${opts.table}: no Kafka topic matches SOURCE_KAFKA_TOPIC_NAMES "${opts.topicPattern}" on ${opts.brokers.join(',')}` +
          ` (topics there: ${sample.length ? sample.join(', ') : 'none'}${all.length > sample.length ? ', ...' : ''})`,
      );
    }
    return topics;
  }

  /** Bounded mode: end offsets now, and the partitions that have nothing to read from their start. */
  private async boundedPlan(a: Admin, topics: string[]): Promise<void> {
    const { opts } = this;
    const ends = new Map<string, number>();
    this.ends = ends;
    const committed = new Map<string, number>();
    for (const t of await a.fetchOffsets({ groupId: opts.groupId, topics })) {
      for (const p of t.partitions) committed.set(splitId(t.topic, p.partition), Number(p.offset));
    }
    for (const topic of topics) {
      for (const p of await a.fetchTopicOffsets(topic)) {
        const split = splitId(topic, p.partition);
        const end = Number(p.high);
        ends.set(split, end);
        const c = committed.get(split);
        const start = this.restore.get(split) ?? (c !== undefined && c >= 0 ? c : opts.autoOffsetReset === 'earliest' ? Number(p.low) : end);
        if (start >= end) this.done.add(split);
      }
    }
  }

  private boundedComplete(): boolean {
    return this.ends !== undefined && this.done.size >= this.ends.size;
  }

  /** Bounded: every partition of the topics the pattern matched (known once run() has planned). */
  boundedSplits(): readonly string[] | undefined {
    return this.ends ? [...this.ends.keys()].sort() : undefined;
  }

  private finishSoon(): void {
    // Never stop the consumer from inside eachBatch (kafkajs waits for the batch to end): defer it.
    setImmediate(() => void this.stopConsumer().then(() => this.finished?.(), (e: unknown) => this.failed?.(e)));
  }

  private fail(e: unknown): void {
    if (this.stopping) return;
    this.stopping = true;
    setImmediate(() => {
      void this.stopConsumer().finally(() => this.failed?.(e));
    });
  }

  private async disconnectQuietly(): Promise<void> {
    await this.stopConsumer().catch((e: unknown) => this.logger.warn('Kafka consumer did not disconnect cleanly', { error: String(e) }));
  }

  private async stopConsumer(): Promise<void> {
    this.stopping = true;
    if (!this.consumer) return;
    this.shutdown ??= (async () => {
      const c = this.consumer;
      const own = this.ownProducers;
      this.ownProducers = undefined;
      try {
        if (c) await c.disconnect();
      } finally {
        this.running = false;
        this.assigned = new Set();
        if (own) await own.close();
      }
    })();
    return this.shutdown;
  }

  private onGroupJoin(memberAssignment: Record<string, number[]>, ctx: SourceContext): void {
    if (this.shutdown !== undefined) {
      // A kafkajs restart that raced our disconnect: leave again rather than sit on the partitions.
      void this.consumer?.disconnect().catch(() => undefined);
      return;
    }
    const next = new Set<string>();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const p of partitions) next.add(splitId(topic, p));
    }
    for (const split of this.delivered.keys()) {
      if (!next.has(split)) this.delivered.delete(split);
    }
    this.assigned = next;
    // kafkajs forgets its fetch positions on every join (it restarts from the committed offsets, which
    // trail ours by up to a checkpoint); resume kept partitions where we are, restored ones at the restore.
    for (const split of next) {
      const at = this.delivered.get(split)?.next ?? this.restore.get(split);
      if (at === undefined) continue;
      const sp = parseSplit(split)!;
      this.consumer!.seek({ topic: sp.topic, partition: sp.partition, offset: String(at) });
    }
    this.logger.info('partitions assigned', { partitions: [...next].sort() });
    // Event time must wait for assigned partitions that have not delivered yet.
    ctx.splitsAssigned?.([...next]);
    // A bounded task's partitions with nothing (more) to read are at their end already: say so (they get no batch).
    if (this.opts.taskAssignment && this.ends) for (const split of [...next].sort()) if (this.done.has(split)) ctx.splitEnded?.(split);
  }

  private async eachBatch(payload: EachBatchPayload, ctx: SourceContext): Promise<void> {
    const { batch, resolveOffset, heartbeat, isStale } = payload;
    if (this.stopping || isStale()) return;
    const { topic, partition } = batch;
    const split = splitId(topic, partition);
    const messages = batch.messages;
    const n = messages.length;
    if (n === 0) return;

    const end = this.ends?.get(split);
    const floor = this.delivered.get(split)?.next ?? this.restore.get(split) ?? -1;
    const policy = this.badRecords!;
    const waiting = this.opts.decoder.prepare?.(messages.map((m) => m.value));
    if (waiting) await waiting;
    if (this.stopping || isStale()) return;
    const { rows, kinds, offsets, bytes, bad, failedAt, lastIndex } = decodeBatch(messages, { topic, partition, floor, end }, this.opts.decoder, policy, this.opts.upsert);
    ctx.metrics.bytesIn.inc(bytes);

    if (bad.length > 0) await policy.handle(bad);

    if (lastIndex >= 0 && !this.stopping) {
      const lastMsg = messages[lastIndex]!;
      // When the whole batch was taken, resolve kafkajs' last offset of the batch (it steps over trailing
      // transaction markers, which never reach us); otherwise the last record taken.
      const wholeBatch = lastIndex === n - 1;
      const resolved = wholeBatch ? Math.max(Number(batch.lastOffset()), Number(lastMsg.offset)) : Number(lastMsg.offset);
      // The position moves inside the job's critical section (processed), with the state the rows changed.
      const advance = (): void => {
        const state = this.delivered.get(split);
        if (state) state.next = Math.max(state.next, resolved + 1);
        else this.delivered.set(split, { next: resolved + 1 });
      };
      if (rows.length > 0) {
        ctx.metrics.recordsIn.inc(rows.length);
        await this.deliverWithHeartbeat(ctx, { rows, split, offsets, processed: advance, ...(kinds ? { rowKinds: kinds } : {}) }, heartbeat);
      }
      // A source whose deliver does not call processed, or a batch with no rows: advance now.
      advance();
      resolveOffset(String(resolved));
      // Lag from the high watermark the fetch returned with this batch: no extra request to the broker.
      ctx.metrics.partitionLag?.(topic, partition, Math.max(0, Number(batch.highWatermark) - (resolved + 1)));
    }

    if (failedAt) {
      const m = messages[failedAt.index]!;
      this.fail(policy.failure(`the record at topic ${topic} partition ${partition} offset ${m.offset}`, failedAt.error));
      return;
    }
    if (end !== undefined) this.checkBoundedEnd(split, end, lastIndex < n - 1, payload, ctx);
  }

  /** Bounded mode: a partition at its end offset pauses; when all have, the source finishes. */
  private checkBoundedEnd(split: string, end: number, stoppedEarly: boolean, payload: EachBatchPayload, ctx: SourceContext): void {
    const pos = this.delivered.get(split)?.next ?? -1;
    if (pos < end && !stoppedEarly) return;
    this.done.add(split);
    payload.pause();
    ctx.markIdle?.(split);
    if (this.opts.taskAssignment) {
      // One task of several: the partition's end crosses the exchange; the job stops every task at the end.
      ctx.splitEnded?.(split);
      return;
    }
    if (this.boundedComplete()) {
      this.logger.info('bounded source reached the end offsets');
      this.stopping = true;
      this.finishSoon();
    }
  }

  private async deliverWithHeartbeat(ctx: SourceContext, batch: SourceBatch, heartbeat: () => Promise<void>): Promise<void> {
    // kafkajs only heartbeats between batches; keep the membership alive while the dataflow is busy.
    const timer = setInterval(() => void heartbeat().catch(() => {}), this.heartbeatEveryMs);
    try {
      await ctx.deliver(batch);
    } finally {
      clearInterval(timer);
    }
  }

  /** DEAD_LETTER: the original key, value and headers, plus dirk-* headers saying what failed and where. */
  private async writeDeadLetters(records: readonly BadRecord<KafkaMessage>[]): Promise<void> {
    const now = new Date().toISOString();
    const { topic, partition } = records[0]!.at as { topic: string; partition: number };
    const out: Message[] = records.map((b) => {
      const m = b.record;
      const headers: IHeaders = { ...(m.headers ?? {}) };
      headers['dirk-error'] = b.error.message;
      headers['dirk-source-topic'] = topic;
      headers['dirk-source-partition'] = String(partition);
      headers['dirk-source-offset'] = m.offset;
      headers['dirk-error-time'] = now;
      return { key: m.key, value: m.value, headers };
    });
    try {
      await this.deadLetter!.send({ topic: this.policy.deadLetterTopic!, messages: out, compression: this.policy.compression });
    } catch (e) {
      throw externalError(
        `table ${this.opts.table}: cannot write ${out.length} undecodable record(s) from ${topic}:${partition} to the dead-letter topic ${this.policy.deadLetterTopic}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /** The bad-record policy, and for DEAD_LETTER the (shared) producer of the dead-letter cluster. */
  private async openBadRecords(ctx: SourceContext): Promise<void> {
    const { opts, policy } = this;
    this.badRecords = new BadRecords<KafkaMessage>(policy, {
      table: opts.table,
      logger: this.logger,
      metrics: ctx.metrics,
      logLimitPerCall: BAD_RECORD_LOG_LIMIT,
      deadLetter: (records) => this.writeDeadLetters(records),
      deadLetterFields: (records) => {
        const { topic, partition, offset } = records[0]!.at;
        return { topic, partition, firstOffset: offset };
      },
    });
    if (policy.mode !== 'DEAD_LETTER') return;
    // The dead-letter topic may live on another cluster (SOURCE_DEAD_LETTER_BROKERS).
    const brokers = policy.deadLetterBrokers?.length ? policy.deadLetterBrokers : opts.brokers;
    const producers = opts.producers ?? (this.ownProducers = createKafkaProducers({ clientId: `${opts.clientId}-dead-letter`, logger: this.logger }));
    this.deadLetter = producers.producer(brokers, opts.security);
    await this.deadLetter.connect();
    // Checked at start (not at the first bad record), which also reads the topic's size limit.
    await this.deadLetter.checkTopic(policy.deadLetterTopic!, `table ${opts.table}: SOURCE_DEAD_LETTER_TOPIC`);
  }

  private consumerConfig(): ConsumerConfig {
    const { opts } = this;
    const mapped = consumerProperties(opts.consumerProperties ?? {});
    if (mapped.unknown.length) this.logger.warn('consumer properties kafkajs cannot honour were ignored', { keys: mapped.unknown });
    const config: ConsumerConfig = {
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: opts.largeMessage ? 5 * 1024 * 1024 : 1024 * 1024,
      maxWaitTimeInMs: 500,
      // kafkajs' 30 s session makes a restart after a crash (SIGKILL) wait that long for the dead member to
      // leave the group; 10 s (Kafka's own default before 3.0) is still 3 heartbeats. A clean stop leaves the
      // group at once (disconnect sends LeaveGroup). SOURCE_KAFKA_CONSUMER_CONFIG_SESSION_TIMEOUT_MS overrides it.
      sessionTimeout: DEFAULT_SESSION_TIMEOUT_MS,
      // Streams of one job may share a group id (as Dagger configures them): assign by subscription.
      partitionAssigners: opts.taskAssignment
        ? [
            taskAssigner(opts.taskAssignment, (members) =>
              this.fail(
                userError(
                  `table ${opts.table}: consumer group ${opts.groupId} has members of another process (${members.join(', ')}): a bounded job (SOURCE_DETAILS BOUNDED) scaled out ` +
                    'runs as the worker threads of one process (DIRK_TASKS / FLINK_PARALLELISM); run one process of it, or make its sources UNBOUNDED',
                ),
              ),
            ),
          ]
        : DIRK_ASSIGNERS,
      // kafkajs restarts a consumer that crashed on a retriable error (a broker outage) by itself, on a
      // timer; one the job has stopped must not come back and hold partitions it will never read.
      retry: { restartOnFailure: async () => !this.stopping },
      ...mapped.config,
      ...opts.consumerConfig,
    };
    // A third of the session at most, so a session set shorter alone still gets its heartbeats.
    config.heartbeatInterval ??= Math.min(DEFAULT_HEARTBEAT_INTERVAL_MS, Math.floor((config.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT_MS) / 3));
    return config;
  }

  async run(ctx: SourceContext): Promise<void> {
    if (this.running) throw new DirkError('internal error: kafka source run() called twice');
    this.running = true;
    this.stopping = false;
    this.shutdown = undefined;
    try {
      const a = await this.getAdmin();
      const topics = await this.resolveTopics(a);
      this.opts.onTopics?.(topics);
      if (this.opts.bounded) {
        await this.boundedPlan(a, topics);
        // One task of several still joins the group: its partitions' ends are announced on assignment.
        if (this.boundedComplete() && !this.opts.taskAssignment) {
          this.logger.info('bounded source has nothing to read', { topics });
          this.running = false;
          return;
        }
      }
      await this.consume(topics, ctx);
    } finally {
      if (this.lingering) {
        // close() leaves the group after the final commit; should nobody call it, leave anyway.
        this.lingerTimer = setTimeout(() => void this.close(), LINGER_MS);
        this.lingerTimer.unref();
      } else await this.disconnectQuietly();
      this.running = false;
      if (this.admin) {
        const a = this.admin;
        this.admin = undefined;
        await a.disconnect().catch(() => {});
      }
    }
  }

  /** Joins the group and consumes until stopped, failed or (bounded) at the end offsets. */
  private async consume(topics: string[], ctx: SourceContext): Promise<void> {
    const config = this.consumerConfig();
    this.heartbeatEveryMs = Math.max(100, Math.floor((config.heartbeatInterval ?? 3000) / 2));
    const c = this.kafka.consumer(config);
    this.consumer = c;
    this.topics = topics;
    await this.openBadRecords(ctx);
    c.on(c.events.GROUP_JOIN, (e) => this.onGroupJoin(e.payload.memberAssignment, ctx));
    // Every fetch and heartbeat says the broker answers; a crash (kafkajs restarts retriable ones) that it does not.
    const up = (): void => ctx.connected?.(true);
    c.on(c.events.FETCH, up);
    c.on(c.events.HEARTBEAT, up);

    const ended = new Promise<void>((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
    c.on(c.events.CRASH, (e) => {
      ctx.connected?.(false, e.payload.error.message);
      if (!e.payload.restart) {
        const err = e.payload.error;
        this.fail(err instanceof DirkError ? err : externalError(`Kafka consumer for table ${this.opts.table} crashed: ${err.message}`, { cause: err }));
      } else this.logger.warn('Kafka consumer restarting after an error', { error: e.payload.error.message });
    });

    await c.connect();
    await c.subscribe({ topics, fromBeginning: this.opts.autoOffsetReset === 'earliest' });
    if (this.stopping) return; // stop() during start-up; run()'s finally block disconnects
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.concurrency ?? 1,
      eachBatch: async (payload) => {
        const handling = this.eachBatch(payload, ctx).catch((e: unknown) => {
          // Errors from deliver (the dataflow) or the dead-letter producer stop the source; kafkajs
          // must not retry the batch on its own, since the dataflow may have seen part of it.
          this.fail(e);
        });
        this.inflight.add(handling);
        try {
          await handling;
        } finally {
          this.inflight.delete(handling);
        }
      },
    });
    await ended;
  }

  positions(): SourcePositions {
    const out: Record<string, string> = {};
    // Restored partitions that have delivered nothing since keep their restore position: the state
    // restored with it covers the records below it, whatever the group has committed.
    for (const [split, o] of this.restore) out[split] = String(o);
    for (const [split, s] of this.delivered) out[split] = String(s.next);
    return out;
  }

  async commit(positions: SourcePositions, via?: OffsetCommitter): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    const list: { topic: string; partition: number; offset: string }[] = [];
    // In the group while consuming, and after a graceful stop until close() (the final checkpoint's commit).
    const inGroup = this.consumer !== undefined && this.shutdown === undefined && (this.lingering || (this.running && !this.stopping));
    for (const [split, offset] of Object.entries(positions)) {
      const sp = parseSplit(split);
      if (!sp) throw new DirkError(`internal error: bad Kafka split "${split}"`);
      // While we are in the group, only partitions we own: another member may have moved past them. Not so
      // under exactly-once (one instance per job: its transactional id fences any other), where every
      // checkpoint's transaction must carry every known position and its tag, even before the first
      // assignment of a restarted run (offsets restored from the checkpoint are re-committed unchanged).
      if (!via && inGroup && !this.assigned.has(split)) continue;
      list.push({ ...sp, offset });
      const arr = byTopic.get(sp.topic) ?? [];
      arr.push({ partition: sp.partition, offset });
      byTopic.set(sp.topic, arr);
    }
    if (list.length === 0) return;
    try {
      // Exactly-once: the offsets go into the sink's transaction (sendOffsets), committed with the output.
      if (via) await via(this.opts.groupId, list);
      else if (inGroup) await this.consumer!.commitOffsets(list);
      else await this.commitAsOutsider(byTopic);
      // Committed offsets now supersede restore positions (a later re-assignment starts from them). A
      // partition that has delivered nothing since its restore keeps reporting the committed position (as
      // a delivered one, dropped when the partition goes to another member), so every later checkpoint
      // still holds it: under exactly-once each transaction then carries every partition's offset and tag.
      // (Dropping it let the next checkpoint omit the partition; restored from that checkpoint, the partition
      // was read from the group's committed offset, which can be behind: the crash-recovery over-count.)
      for (const { topic, partition, offset } of list) {
        const split = splitId(topic, partition);
        this.restore.delete(split);
        if (!this.delivered.has(split) && this.assigned.has(split)) this.delivered.set(split, { next: Number(offset) });
      }
    } catch (e) {
      throw externalError(`table ${this.opts.table}: cannot commit offsets to consumer group ${this.opts.groupId}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  async committedMetadata(): Promise<readonly string[]> {
    const a = await this.getAdmin();
    try {
      const topics = await this.resolveTopics(a);
      const out: string[] = [];
      for (const t of await a.fetchOffsets({ groupId: this.opts.groupId, topics })) {
        for (const p of t.partitions) if (Number(p.offset) >= 0 && p.metadata) out.push(p.metadata);
      }
      return out;
    } catch (e) {
      if (e instanceof DirkError) throw e;
      throw externalError(`table ${this.opts.table}: cannot read the committed offsets of consumer group ${this.opts.groupId}: ${(e as Error).message}`, { cause: e });
    } finally {
      if (!this.running) {
        this.admin = undefined;
        await a.disconnect().catch(() => {});
      }
    }
  }

  /**
   * The consumer has left the group (stopped): commit as an outside client. Kafka accepts this only while
   * the group has no members, which is the case once this (single) instance stopped.
   */
  private async commitAsOutsider(byTopic: Map<string, { partition: number; offset: string }[]>): Promise<void> {
    const a = await this.getAdmin();
    try {
      for (const [topic, partitions] of byTopic) await a.setOffsets({ groupId: this.opts.groupId, topic, partitions });
    } finally {
      if (!this.running) {
        this.admin = undefined;
        await a.disconnect().catch(() => {});
      }
    }
  }

  seek(positions: SourcePositions): void {
    for (const [split, offset] of Object.entries(positions)) {
      const sp = parseSplit(split);
      const o = Number(offset);
      if (!sp || !Number.isInteger(o) || o < 0) throw new DirkError(`internal error: bad Kafka position ${split}=${offset}`);
      this.restore.set(split, o);
      this.delivered.delete(split);
      if (this.consumer && this.running && this.assigned.has(split)) this.consumer.seek({ topic: sp.topic, partition: sp.partition, offset });
    }
  }

  /**
   * Stops delivering: no batch after the ones being handled now, which are awaited; run() then resolves.
   * A running consumer stays in the group (its topics paused) until close(), so the final checkpoint
   * commits through it; one still starting is disconnected at once.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    const c = this.consumer;
    if (!c || this.stopping || this.finished === undefined) {
      await this.stopConsumer();
      this.finished?.();
      return;
    }
    this.stopping = true;
    this.lingering = true;
    try {
      c.pause(this.topics.map((topic) => ({ topic })));
    } catch {
      // not running yet: nothing is fetched anyway
    }
    await Promise.allSettled([...this.inflight]);
    this.finished?.();
  }

  /** Leaves the group (after a graceful stop's final commit). */
  async close(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (!this.lingering) return;
    this.lingering = false;
    await this.disconnectQuietly();
  }
}
