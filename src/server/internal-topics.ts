import { parseJobConfig } from '../config/index.js';
import { DirkError, externalError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { createKafkaClient, type KafkaSecurity } from '../connectors/kafka/kafka-client.js';
import { internalTopicNames, jobExchange, primaryStream } from '../job/exchange/index.js';
import { prepareJob } from '../job/prepare.js';

/**
 * The Kafka topics a job creates for itself (scale-out's repartition and changelog topics), named by the
 * same functions the running job uses, and their deletion when the job is deleted with purge.
 */
export interface InternalTopics {
  readonly topics: readonly string[];
  /** The bootstrap servers and security of the stream the exchange reads: the job creates its topics there. */
  readonly brokers: readonly string[];
  readonly security?: KafkaSecurity | undefined;
}

/**
 * The internal topics the job's plan creates when it runs scaled out (planned with the exchange on, since an
 * earlier version of the job may have run scaled out), or undefined when it has none (no keyed operator, a
 * shape the exchange does not cut, or a config that no longer plans).
 */
export async function jobInternalTopics(raw: Readonly<Record<string, unknown>>, cwd: string): Promise<InternalTopics | undefined> {
  let job;
  try {
    const parsed = parseJobConfig(raw, { env: process.env, baseDir: cwd });
    job = await prepareJob({ ...parsed.config, exchange: true }, silentLogger);
  } catch (e) {
    // A config that no longer plans never ran, so it made no topics; an unreachable schema registry throws.
    if (e instanceof DirkError && e.domain === 'user') return undefined;
    throw e;
  }
  try {
    const ex = jobExchange(job);
    if (!ex) return undefined;
    const kafka = primaryStream(job, ex).kafka!;
    return { topics: internalTopicNames(ex), brokers: kafka.bootstrapServers, security: kafka.security };
  } catch (e) {
    // A shape the exchange refuses never ran scaled out.
    if (e instanceof DirkError && e.domain === 'user') return undefined;
    throw e;
  } finally {
    job.registry?.close();
  }
}

/**
 * Deletes those of `t.topics` that exist (exact names: another job's topics sharing a prefix are never
 * touched) and returns their names. Gives up after `timeoutMs` with an error naming the topics left.
 */
export async function deleteInternalTopics(t: InternalTopics, clientId: string, timeoutMs: number): Promise<string[]> {
  // kafkajs' own retry chatter stays quiet: the caller reports the outcome.
  const admin = createKafkaClient({ brokers: t.brokers, clientId: clientId.replace(/[^A-Za-z0-9._-]/g, '_'), security: t.security, logger: silentLogger }).admin();
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const present = t.topics.filter((n) => existing.has(n));
    if (present.length) await admin.deleteTopics({ topics: present, timeout: timeoutMs });
    return present;
  })();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${t.brokers.join(',')} within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (e) {
    work.catch(() => undefined);
    throw externalError(`cannot delete the internal topics ${t.topics.join(', ')} (left in place): ${(e as Error).message}`, { cause: e });
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
