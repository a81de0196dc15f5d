import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/logger.js';
import { parseJobConfig } from '../../../../src/config/index.js';
import { prepareJob } from '../../../../src/job/prepare.js';
import { startJob } from '../../../../src/job/stream-manager.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../../../helpers/kafka.js';

/**
 * The hybrid source: a JSON-lines file holds event seconds 0..12, the topic holds 0..29 (record timestamps =
 * event times). The job reads the file, switches to Kafka at offsetsForTimes(12 s + 1 ms) and counts 5-second
 * windows: the window [10, 15) takes 10..12 from the file and 13..14 from Kafka, so a gap or a repeat at the
 * switch changes its count. Then the job stops after the switch and restarts from its checkpoint with the
 * file replaced: counts that stay 5 show the file is not read again.
 */
afterAll(() => closeKafkaHelpers());
const T0 = 1_767_258_000; // 2026-01-01T09:00:00Z, epoch seconds
const SCHEMA = { type: 'object', properties: { id: { type: 'string' }, ts: { type: 'integer' } } };

const line = (i: number, prefix = 'e'): string => JSON.stringify({ id: `${prefix}${i}`, ts: T0 + i });

describe('hybrid source (file, then Kafka)', () => {
  it('switches without gap or repeat, and a restart after the switch does not re-read the file', { timeout: 180_000 }, async () => {
    const inTopic = uniqueTopic('hybrid-in');
    const outTopic = uniqueTopic('hybrid-out');
    await createTopics([inTopic, outTopic]);
    const dir = mkdtempSync(join(tmpdir(), 'dirk-hybrid-'));
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, Array.from({ length: 13 }, (_, i) => line(i)).join('\n') + '\n');
    await produce(inTopic, Array.from({ length: 20 }, (_, i) => ({ value: line(i), timestamp: (T0 + i) * 1000 })));

    const raw = {
      FLINK_JOB_ID: 'hybrid-test',
      STREAMS: [
        {
          INPUT_SCHEMA_TABLE: 'events',
          INPUT_DATATYPE: 'JSON',
          INPUT_SCHEMA_JSON_SCHEMA: SCHEMA,
          INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
          SOURCE_DETAILS: [
            { SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' },
            { SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' },
          ],
          SOURCE_FILE_PATH: file,
          SOURCE_FILE_FORMAT: 'JSONL',
          SOURCE_KAFKA_TOPIC_NAMES: inTopic,
          SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
          SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `${inTopic}-g`,
          SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        },
      ],
      FLINK_SQL_QUERY: "SELECT COUNT(*) AS n, TUMBLE_END(rowtime, INTERVAL '5' SECOND) AS window_end FROM events GROUP BY TUMBLE(rowtime, INTERVAL '5' SECOND)",
      FLINK_WATERMARK_DELAY_MS: '0',
      FLINK_CHECKPOINT_INTERVAL_MS: '500',
      METRIC_TELEMETRY_ENABLE: 'false',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      SINK_KAFKA_TOPIC: outTopic,
      SINK_KAFKA_DATA_TYPE: 'JSON',
    };
    const checkpointDir = mkdtempSync(join(tmpdir(), 'dirk-hybrid-ckpt-'));
    const run = async (): Promise<Awaited<ReturnType<typeof startJob>>> =>
      startJob(await prepareJob(parseJobConfig(raw).config, silentLogger), { logger: silentLogger, checkpointDir });
    const windows = (ms: { value: Buffer | null }[]): string[] =>
      ms.map((m) => {
        const r = JSON.parse(m.value!.toString()) as { n: number; window_end: string };
        return `${(Date.parse(r.window_end) / 1000 - T0).toString()}:${r.n}`;
      });

    // Event time reaches 19 s: the windows ending at 5, 10 and 15 fire; [10, 15) spans the switch.
    const first = await run();
    expect(windows(await consumeN(outTopic, 3, 60_000))).toEqual(['5:5', '10:5', '15:5']);
    await first.stop();

    // The file now holds other rows in the open window [15, 20): read again, they would count there.
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => line(15 + i, 'ghost')).join('\n') + '\n');
    await produce(inTopic, Array.from({ length: 10 }, (_, i) => ({ value: line(20 + i), timestamp: (T0 + 20 + i) * 1000 })));
    const second = await run();
    try {
      expect(windows(await consumeN(outTopic, 5, 60_000))).toEqual(['5:5', '10:5', '15:5', '20:5', '25:5']);
    } finally {
      await second.stop();
    }
  });
});
