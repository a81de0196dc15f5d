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
import type { Admin, Batch, Consumer, ConsumerConfig, EachBatchPayload, IHeaders, Message, Producer } from 'kafkajs';
import type { Source, SourceContext, SourcePositions } from '../../core/connector.js';
import { DecodeError, DirkError, externalError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Row } from '../../core/types.js';
import type { BadRecordPolicy, RowDecoder } from '../shared/codec.js';
import {
  consumerProperties,
  createKafkaClient,
  parseSplit,
  splitId,
  topicRegex,
  type KafkaSecurity,
} from './kafka-client.js';
import { DIRK_ASSIGNERS } from './subscription-assigner.js';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_REQUEST_BYTES, fitDeadLetter, prepareTopic, sendBounded, type SendLimits } from './bounded-send.js';

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
  readonly badRecords: BadRecordPolicy;
  readonly logger: Logger;
  /** BOUNDED: read up to the end offsets seen at start, then run() resolves. Default false (UNBOUNDED). */
  readonly bounded?: boolean;
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
}

/** Per-partition bookkeeping, keyed by split id. */
interface PartitionState {
  /** Next offset to deliver (everything below has been delivered). */
  next: number;
}

/** Most bad records logged in detail per batch; the rest are summarised. */
const BAD_RECORD_LOG_LIMIT = 5;

export function createKafkaSource(opts: KafkaSourceOptions): Source {
  const logger = opts.logger.child({ source: 'kafka', table: opts.table });
  const regex = topicRegex(opts.topicPattern);
  const policy = opts.badRecords;
  if (policy.mode === 'DEAD_LETTER' && !policy.deadLetterTopic) {
    throw userError(`table ${opts.table}: bad-record policy DEAD_LETTER needs a dead-letter topic`);
  }
  const kafka = createKafkaClient({
    brokers: opts.brokers,
    clientId: opts.clientId,
    security: opts.security,
    logger,
  });

  /** Delivered positions, per split. */
  const delivered = new Map<string, PartitionState>();
  /** Restore positions from seek(): split -> offset. */
  const restore = new Map<string, number>();
  /** Partitions currently assigned to this member. */
  let assigned = new Set<string>();

  let consumer: Consumer | undefined;
  let deadLetter: Producer | undefined;
  let deadLetterLimits: SendLimits = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES };
  let admin: Admin | undefined;
  let running = false;
  let stopping = false;
  let finished: (() => void) | undefined;
  let failed: ((e: unknown) => void) | undefined;
  let shutdown: Promise<void> | undefined;

  // Bounded mode: end offsets observed at start, and partitions that reached them.
  let ends: Map<string, number> | undefined;
  const done = new Set<string>();

  async function getAdmin(): Promise<Admin> {
    if (!admin) {
      admin = kafka.admin();
      await admin.connect();
    }
    return admin;
  }

  async function resolveTopics(a: Admin): Promise<string[]> {
    const all = await a.listTopics();
    const topics = all.filter((t) => regex.test(t) && !t.startsWith('__')).sort();
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
  async function boundedPlan(a: Admin, topics: string[]): Promise<void> {
    ends = new Map();
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
        const start =
          restore.get(split) ??
          (c !== undefined && c >= 0 ? c : opts.autoOffsetReset === 'earliest' ? Number(p.low) : end);
        if (start >= end) done.add(split);
      }
    }
  }

  function boundedComplete(): boolean {
    return ends !== undefined && done.size >= ends.size;
  }

  function finishSoon(): void {
    // Never stop the consumer from inside eachBatch (kafkajs waits for the batch to end): defer it.
    setImmediate(() => void stopConsumer().then(() => finished?.(), (e: unknown) => failed?.(e)));
  }

  function fail(e: unknown): void {
    if (stopping) return;
    stopping = true;
    setImmediate(() => {
      void stopConsumer().finally(() => failed?.(e));
    });
  }

  async function stopConsumer(): Promise<void> {
    stopping = true;
    if (!consumer) return;
    shutdown ??= (async () => {
      const c = consumer;
      const d = deadLetter;
      try {
        if (c) await c.disconnect();
      } finally {
        running = false;
        assigned = new Set();
        if (d) await d.disconnect().catch(() => {});
      }
    })();
    return shutdown;
  }

  function onGroupJoin(memberAssignment: Record<string, number[]>, ctx: SourceContext): void {
    const next = new Set<string>();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const p of partitions) next.add(splitId(topic, p));
    }
    for (const split of delivered.keys()) {
      if (!next.has(split)) delivered.delete(split);
    }
    assigned = next;
    // kafkajs forgets its fetch positions on every join (it restarts from the committed offsets, which
    // trail ours by up to a checkpoint); resume kept partitions where we are, restored ones at the restore.
    for (const split of next) {
      const at = delivered.get(split)?.next ?? restore.get(split);
      if (at === undefined) continue;
      const sp = parseSplit(split)!;
      consumer!.seek({ topic: sp.topic, partition: sp.partition, offset: String(at) });
    }
    logger.info('partitions assigned', { partitions: [...next].sort() });
    // Event time must wait for assigned partitions that have not delivered yet.
    ctx.splitsAssigned?.([...next]);
  }

  async function eachBatch(payload: EachBatchPayload, ctx: SourceContext): Promise<void> {
    const { batch, resolveOffset, heartbeat, isStale } = payload;
    if (stopping || isStale()) return;
    const { topic, partition } = batch;
    const split = splitId(topic, partition);
    const messages = batch.messages;
    const n = messages.length;
    if (n === 0) return;

    const end = ends?.get(split);
    const floor = delivered.get(split)?.next ?? restore.get(split) ?? -1;
    const decoder = opts.decoder;
    const metrics = ctx.metrics;
    // A fresh array per batch: the dataflow may keep the batch (e.g. buffering), so it is never reused.
    const rows: Row[] = [];
    const offsets: string[] = [];
    let bytes = 0;
    let bad: { index: number; error: DecodeError }[] | undefined;
    let lastIndex = n - 1;

    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      const offset = Number(m.offset);
      if (offset < floor) continue;
      if (end !== undefined && offset >= end) {
        lastIndex = i - 1;
        break;
      }
      const value = m.value;
      if (value !== null) bytes += value.length;
      try {
        if (value === null) throw new DecodeError('record has no value (a tombstone)');
        rows.push(decoder.decode(value));
        offsets.push(m.offset);
      } catch (e) {
        const error = e instanceof DecodeError ? e : new DecodeError(`decoder failed: ${(e as Error).message}`, e);
        metrics.decodeErrors.inc();
        if (policy.mode === 'FAIL') {
          // Deliver what came before the bad record, then stop: the bad offset is never committed.
          lastIndex = i - 1;
          bad = [{ index: i, error }];
          break;
        }
        (bad ??= []).push({ index: i, error });
      }
    }
    metrics.bytesIn.inc(bytes);

    if (bad && policy.mode !== 'FAIL') await routeBadRecords(batch, bad, metrics);

    if (lastIndex >= 0 && !stopping) {
      const lastMsg = messages[lastIndex]!;
      // When the whole batch was taken, resolve kafkajs' last offset of the batch (it steps over trailing
      // transaction markers, which never reach us); otherwise the last record taken.
      const wholeBatch = lastIndex === n - 1;
      const resolved = wholeBatch ? Math.max(Number(batch.lastOffset()), Number(lastMsg.offset)) : Number(lastMsg.offset);
      // The position moves inside the job's critical section (processed), with the state the rows changed.
      const advance = (): void => {
        const state = delivered.get(split);
        if (state) state.next = Math.max(state.next, resolved + 1);
        else delivered.set(split, { next: resolved + 1 });
      };
      if (rows.length > 0) {
        metrics.recordsIn.inc(rows.length);
        await deliverWithHeartbeat(ctx, rows, split, heartbeat, offsets, advance);
      }
      // A source whose deliver does not call processed, or a batch with no rows: advance now.
      advance();
      resolveOffset(String(resolved));
    }

    if (policy.mode === 'FAIL' && bad) {
      const b = bad[0]!;
      const m = messages[b.index]!;
      fail(
        userError(
          `table ${opts.table}: cannot decode the record at topic ${topic} partition ${partition} offset ${m.offset}: ` +
            `${b.error.message} (bad-record policy FAIL stops the job; SKIP or DEAD_LETTER would let it continue)`,
          { cause: b.error },
        ),
      );
      return;
    }

    if (end !== undefined) {
      const pos = delivered.get(split)?.next ?? -1;
      if (pos >= end || lastIndex < n - 1) {
        done.add(split);
        payload.pause();
        ctx.markIdle?.(split);
        if (boundedComplete()) {
          logger.info('bounded source reached the end offsets');
          stopping = true;
          finishSoon();
        }
      }
    }
  }

  async function deliverWithHeartbeat(
    ctx: SourceContext,
    rows: Row[],
    split: string,
    heartbeat: () => Promise<void>,
    offsets: readonly string[],
    processed: () => void,
  ): Promise<void> {
    // kafkajs only heartbeats between batches; keep the membership alive while the dataflow is busy.
    const timer = setInterval(() => void heartbeat().catch(() => {}), heartbeatEveryMs);
    try {
      await ctx.deliver({ rows, split, offsets, processed });
    } finally {
      clearInterval(timer);
    }
  }

  async function routeBadRecords(
    batch: Batch,
    bad: { index: number; error: DecodeError }[],
    metrics: SourceContext['metrics'],
  ): Promise<void> {
    const { topic, partition } = batch;
    if (policy.mode === 'SKIP') {
      metrics.badRecordsSkipped.inc(bad.length);
      for (const b of bad.slice(0, BAD_RECORD_LOG_LIMIT)) {
        const m = batch.messages[b.index]!;
        logger.warn('skipped a record that cannot be decoded', { topic, partition, offset: m.offset, error: b.error.message });
      }
      if (bad.length > BAD_RECORD_LOG_LIMIT) {
        logger.warn(`skipped ${bad.length - BAD_RECORD_LOG_LIMIT} more undecodable records in the same batch`, { topic, partition });
      }
      return;
    }
    const now = new Date().toISOString();
    const out: Message[] = bad.map((b) => {
      const m = batch.messages[b.index]!;
      const headers: IHeaders = { ...(m.headers ?? {}) };
      headers['dirk-error'] = b.error.message;
      headers['dirk-source-topic'] = topic;
      headers['dirk-source-partition'] = String(partition);
      headers['dirk-source-offset'] = m.offset;
      headers['dirk-error-time'] = now;
      return fitDeadLetter({ key: m.key, value: m.value, headers }, deadLetterLimits);
    });
    try {
      // A burst of bad records is cut into requests the dead-letter topic accepts.
      await sendBounded(deadLetter!, policy.deadLetterTopic!, out, deadLetterLimits);
    } catch (e) {
      throw externalError(
        `table ${opts.table}: cannot write ${out.length} undecodable record(s) from ${topic}:${partition} to the dead-letter topic ${policy.deadLetterTopic}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    metrics.badRecordsDeadLettered.inc(bad.length);
    logger.warn(`sent ${bad.length} undecodable record(s) to the dead-letter topic`, {
      topic,
      partition,
      firstOffset: batch.messages[bad[0]!.index]!.offset,
      deadLetterTopic: policy.deadLetterTopic,
      error: bad[0]!.error.message,
    });
  }

  /** The dead-letter topic must exist (checked at start, not at the first bad record); its size limit. */
  async function deadLetterTopicLimits(client: typeof kafka): Promise<SendLimits> {
    const a = client === kafka ? await getAdmin() : client.admin();
    try {
      if (a !== admin) await a.connect();
      const what = `table ${opts.table}: SOURCE_DEAD_LETTER_TOPIC`;
      return { maxMessageBytes: await prepareTopic(a, policy.deadLetterTopic!, what), maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES };
    } finally {
      if (a !== admin) await a.disconnect().catch(() => undefined);
    }
  }

  let heartbeatEveryMs = 3000;

  return {
    table: opts.table,

    async run(ctx: SourceContext): Promise<void> {
      if (running) throw new DirkError('internal error: kafka source run() called twice');
      running = true;
      stopping = false;
      shutdown = undefined;
      try {
        const a = await getAdmin();
        const topics = await resolveTopics(a);
        opts.onTopics?.(topics);
        if (opts.bounded) {
          await boundedPlan(a, topics);
          if (boundedComplete()) {
            logger.info('bounded source has nothing to read', { topics });
            running = false;
            return;
          }
        }

        const mapped = consumerProperties(opts.consumerProperties ?? {});
        if (mapped.unknown.length) logger.warn('consumer properties kafkajs cannot honour were ignored', { keys: mapped.unknown });
        const config: ConsumerConfig = {
          groupId: opts.groupId,
          allowAutoTopicCreation: false,
          maxBytesPerPartition: opts.largeMessage ? 5 * 1024 * 1024 : 1024 * 1024,
          maxWaitTimeInMs: 500,
          // Streams of one job may share a group id (as Dagger configures them): assign by subscription.
          partitionAssigners: DIRK_ASSIGNERS,
          ...mapped.config,
          ...opts.consumerConfig,
        };
        heartbeatEveryMs = Math.max(100, Math.floor((config.heartbeatInterval ?? 3000) / 2));
        const c = kafka.consumer(config);
        consumer = c;
        if (policy.mode === 'DEAD_LETTER') {
          // The dead-letter topic may live on another cluster (SOURCE_DEAD_LETTER_BROKERS).
          const dlqBrokers = policy.deadLetterBrokers;
          const dlqClient =
            dlqBrokers && dlqBrokers.length > 0 && dlqBrokers.join(',') !== opts.brokers.join(',')
              ? createKafkaClient({ brokers: dlqBrokers, clientId: `${opts.clientId}-dead-letter`, security: opts.security, logger })
              : kafka;
          deadLetter = dlqClient.producer({ idempotent: true, allowAutoTopicCreation: false, retry: { retries: 5 } });
          await deadLetter.connect();
          deadLetterLimits = await deadLetterTopicLimits(dlqClient);
        }
        c.on(c.events.GROUP_JOIN, (e) => onGroupJoin(e.payload.memberAssignment, ctx));

        const ended = new Promise<void>((resolve, reject) => {
          finished = resolve;
          failed = reject;
        });
        c.on(c.events.CRASH, (e) => {
          if (!e.payload.restart) {
            const err = e.payload.error;
            fail(err instanceof DirkError ? err : externalError(`Kafka consumer for table ${opts.table} crashed: ${err.message}`, { cause: err }));
          } else logger.warn('Kafka consumer restarting after an error', { error: e.payload.error.message });
        });

        await c.connect();
        await c.subscribe({ topics, fromBeginning: opts.autoOffsetReset === 'earliest' });
        if (stopping) return; // stop() during start-up; the finally block disconnects
        await c.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: opts.concurrency ?? 1,
          eachBatch: async (payload) => {
            try {
              await eachBatch(payload, ctx);
            } catch (e) {
              // Errors from deliver (the dataflow) or the dead-letter producer stop the source; kafkajs
              // must not retry the batch on its own, since the dataflow may have seen part of it.
              fail(e);
            }
          },
        });
        await ended;
      } finally {
        await stopConsumer().catch((e: unknown) => logger.warn('Kafka consumer did not disconnect cleanly', { error: String(e) }));
        running = false;
        if (admin) {
          const a = admin;
          admin = undefined;
          await a.disconnect().catch(() => {});
        }
      }
    },

    positions(): SourcePositions {
      const out: Record<string, string> = {};
      // Restored partitions that have delivered nothing since keep their restore position: the state
      // restored with it covers the records below it, whatever the group has committed.
      for (const [split, o] of restore) out[split] = String(o);
      for (const [split, s] of delivered) out[split] = String(s.next);
      return out;
    },

    async commit(positions: SourcePositions): Promise<void> {
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      const list: { topic: string; partition: number; offset: string }[] = [];
      for (const [split, offset] of Object.entries(positions)) {
        const sp = parseSplit(split);
        if (!sp) throw new DirkError(`internal error: bad Kafka split "${split}"`);
        // While we are in the group, only partitions we own: another member may have moved past them.
        if (running && !stopping && !assigned.has(split)) continue;
        list.push({ ...sp, offset });
        const arr = byTopic.get(sp.topic) ?? [];
        arr.push({ partition: sp.partition, offset });
        byTopic.set(sp.topic, arr);
      }
      if (list.length === 0) return;
      try {
        if (consumer && running && !stopping) {
          await consumer.commitOffsets(list);
        } else {
          // The consumer has left the group (stopped): commit as an outside client. Kafka accepts this
          // only while the group has no members, which is the case once this (single) instance stopped.
          const a = await getAdmin();
          try {
            for (const [topic, partitions] of byTopic) await a.setOffsets({ groupId: opts.groupId, topic, partitions });
          } finally {
            if (!running) {
              admin = undefined;
              await a.disconnect().catch(() => {});
            }
          }
        }
        // Committed offsets now supersede restore positions (a later re-assignment starts from them).
        for (const { topic, partition } of list) restore.delete(splitId(topic, partition));
      } catch (e) {
        throw externalError(`table ${opts.table}: cannot commit offsets to consumer group ${opts.groupId}: ${(e as Error).message}`, {
          cause: e,
        });
      }
    },

    seek(positions: SourcePositions): void {
      for (const [split, offset] of Object.entries(positions)) {
        const sp = parseSplit(split);
        const o = Number(offset);
        if (!sp || !Number.isInteger(o) || o < 0) throw new DirkError(`internal error: bad Kafka position ${split}=${offset}`);
        restore.set(split, o);
        delivered.delete(split);
        if (consumer && running && assigned.has(split)) consumer.seek({ topic: sp.topic, partition: sp.partition, offset });
      }
    },

    async stop(): Promise<void> {
      if (!running) return;
      await stopConsumer();
      finished?.();
    },
  };
}
