import { describe, expect, it } from 'vitest';
import { SINK_TYPES, type SinkConfig, type StreamConfig } from '../../../src/config/index.js';
import { DecodeError, DirkError } from '../../../src/core/errors.js';
import { T } from '../../../src/core/types.js';
import { createLogger, type Logger } from '../../../src/core/logger.js';
import { SINK_CONNECTORS, SOURCE_CONNECTORS, sinkFor, sourceFor } from '../../../src/connectors/index.js';
import { BadRecords } from '../../../src/connectors/shared/bad-records.js';
import { createTelemetry } from '../../../src/telemetry/index.js';

describe('connector registry', () => {
  it('lists each connector once (keys: catalog.test.ts)', () => {
    const names = [...SOURCE_CONNECTORS.flatMap((c) => [c.name, ...c.aliases]), ...SINK_CONNECTORS.map((c) => c.name)];
    expect(new Set(names).size).toBe(names.length);
  });

  it('has a sink for every SINK_TYPE except bigquery, which is refused by name', () => {
    for (const t of SINK_TYPES.filter((t) => t !== 'bigquery')) expect(SINK_CONNECTORS.some((c) => c.name === t)).toBe(true);
    expect(() => sinkFor({ type: 'bigquery' } as SinkConfig)).toThrow(/SINK_TYPE: bigquery is not available in Dirk/);
  });

  it('binds a sink to its own slice and checks it against the plan', () => {
    const influx = sinkFor({ type: 'influx' } as SinkConfig);
    expect(() => influx.validate({ columns: [], updating: true, registry: undefined })).toThrow(/SINK_TYPE=influx only takes appends/);
    expect(() => influx.validate({ columns: [], updating: false, registry: undefined })).not.toThrow();
    const kafka = sinkFor({ type: 'kafka', dataType: 'JSON', deliveryGuarantee: 'AT_LEAST_ONCE' } as SinkConfig);
    // An updating result goes to JSON as upserts keyed by its unique key, or as debezium-json records.
    expect(() => kafka.validate({ columns: [], updating: true, registry: undefined })).toThrow(/SINK_KAFKA_JSON_CHANGELOG=UPSERT needs the result's unique key/);
    expect(() => kafka.validate({ columns: [{ name: 'k', type: T.STRING }], updating: true, uniqueKey: [0], registry: undefined })).not.toThrow();
    const debezium = sinkFor({ type: 'kafka', dataType: 'JSON', jsonChangelog: 'DEBEZIUM', deliveryGuarantee: 'AT_LEAST_ONCE' } as SinkConfig);
    expect(() => debezium.validate({ columns: [], updating: true, registry: undefined })).not.toThrow();
  });

  it('finds sources by name or alias and names the ones Dirk lacks', () => {
    const stream = (name: string): StreamConfig => ({ index: 2, table: 't', source: { type: 'UNBOUNDED', name } }) as unknown as StreamConfig;
    expect(() => sourceFor(stream('KAFKA_CONSUMER'))).not.toThrow();
    expect(() => sourceFor(stream('PARQUET_SOURCE'))).not.toThrow();
    // Every SOURCE_NAME the config accepts has a connector; a name from elsewhere is refused with the list.
    expect(() => sourceFor(stream('BIGTABLE_SOURCE'))).toThrow(
      'STREAMS[2].SOURCE_DETAILS: BIGTABLE_SOURCE is not available in Dirk yet; use KAFKA_SOURCE, KAFKA_CONSUMER, PARQUET_SOURCE, FILE_SOURCE, POSTGRES_CDC_SOURCE or DATAGEN_SOURCE',
    );
  });
});

describe('bad-record policy (shared by every source)', () => {
  const setup = (mode: 'FAIL' | 'SKIP' | 'DEAD_LETTER', extra: Partial<ConstructorParameters<typeof BadRecords>[1]> = {}) => {
    const lines: string[] = [];
    const logger: Logger = createLogger({ level: 'debug', write: (l) => void lines.push(l) });
    const telemetry = createTelemetry({ jobId: 'bad-records' });
    const metrics = telemetry.sourceMetrics('t');
    const bad = new BadRecords(mode === 'DEAD_LETTER' ? { mode, deadLetterTopic: 'dlq' } : { mode }, { table: 't', logger, metrics, ...extra });
    return { bad, lines, telemetry };
  };
  const rec = (i: number) => ({ record: i, error: new DecodeError(`bad ${i}`), at: { topic: 'in', partition: 0, offset: String(i) } });

  it('FAIL names the record and the way forward', () => {
    const { bad } = setup('FAIL');
    expect(bad.stopsSource).toBe(true);
    const e = bad.failure('line f:3', bad.decodeError(new Error('boom')));
    expect(e).toBeInstanceOf(DirkError);
    expect(e.message).toBe('table t: cannot decode line f:3: decoder failed: boom (bad-record policy FAIL stops the job; SKIP or DEAD_LETTER would let it continue)');
  });

  it('SKIP counts every record and logs at most the limit per call, summarising the rest', async () => {
    const { bad, lines, telemetry } = setup('SKIP', { logLimitPerCall: 2 });
    await bad.handle([rec(1), rec(2), rec(3)]);
    expect(lines.filter((l) => l.includes('skipped a record that cannot be decoded'))).toHaveLength(2);
    expect(lines.some((l) => l.includes('skipped 1 more undecodable records in the same batch'))).toBe(true);
    expect(await telemetry.metrics()).toMatch(/dirk_source_bad_records_skipped_total\{[^}]*\} 3/);
  });

  it('DEAD_LETTER hands the records to the writer and counts them only once written', async () => {
    const written: unknown[] = [];
    const { bad, telemetry } = setup('DEAD_LETTER', { deadLetter: async (rs) => void written.push(...rs.map((r) => r.record)) });
    await bad.handle([rec(1), rec(2)]);
    expect(written).toEqual([1, 2]);
    expect(await telemetry.metrics()).toMatch(/dirk_source_bad_records_dead_lettered_total\{[^}]*\} 2/);
    const failing = setup('DEAD_LETTER', { deadLetter: async () => Promise.reject(new Error('broker gone')) });
    await expect(failing.bad.handle([rec(1)])).rejects.toThrow('broker gone');
    expect(await failing.telemetry.metrics()).not.toMatch(/dirk_source_bad_records_dead_lettered_total\{[^}]*\} [1-9]/);
  });
});
