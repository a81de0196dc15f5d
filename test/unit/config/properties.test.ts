import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProperties } from '../../../src/config/properties.js';
import { configKeysFromEnv, loadLayeredJobConfig } from '../../../src/config/sources.js';
import { ConfigErrors } from '../../../src/config/config-errors.js';

const QUICKSTART = join(__dirname, '..', '..', 'fixtures', 'dagger-quickstart', 'local.properties');

describe('Java .properties files', () => {
  it('reads separators, comments, escapes and continuations as java.util.Properties does', () => {
    const text = [
      '# comment',
      '! also a comment',
      'A=1',
      'B : two',
      'C three',
      '   D=  leading blanks of the value are dropped',
      'E=first \\',
      '    second',
      'F=tab\\tand \\u0041 and back\\\\slash',
      'key\\ with\\ spaces=x',
      'G=a=b:c',
      'EMPTY=',
    ].join('\n');
    const { values, lines } = parseProperties(text);
    expect(values).toEqual({
      A: '1',
      B: 'two',
      C: 'three',
      D: 'leading blanks of the value are dropped',
      E: 'first second',
      F: 'tab\tand A and back\\slash',
      'key with spaces': 'x',
      G: 'a=b:c',
      EMPTY: '',
    });
    expect(lines.get('E')).toBe(7);
    expect(lines.get('F')).toBe(9);
  });

  it('keeps the last of a repeated key, as Java does, and warns with both lines', () => {
    const { values, warnings } = parseProperties('SINK_TYPE=log\nX=1\nSINK_TYPE=kafka\n', 'job.properties');
    expect(values['SINK_TYPE']).toBe('kafka');
    expect(warnings).toEqual(['job.properties: SINK_TYPE is set on line 1 and again on line 3; the value on line 3 is used']);
  });
});

describe('config sources: file < environment < --KEY arguments', () => {
  it("loads Dagger's quickstart local.properties as it ships", async () => {
    const loaded = await loadLayeredJobConfig({ path: QUICKSTART, env: {} });
    expect(loaded.format).toBe('properties');
    const { config } = loaded;
    expect(config.streams).toHaveLength(1);
    expect(config.streams[0]!.table).toBe('data_stream_0');
    expect(config.streams[0]!.protoClass).toBe('com.gotocompany.dagger.consumer.TestBookingLogMessage');
    expect(config.streams[0]!.kafka?.bootstrapServers).toEqual(['kafka:29094']);
    expect(config.watermark.delayMs).toBe(1000);
    expect(config.sink.type).toBe('log');
    expect(config.schemaRegistry.urls).toEqual(['http://stencil:2917/file.desc']);
    expect(config.sqlQuery).toMatch(/^SELECT count\(1\) as booking_count/);
    expect(loaded.warnings.some((w) => w.startsWith('PYTHON_UDF_CONFIG'))).toBe(true);
  });

  it('an environment variable overrides the file, and an argument overrides both', async () => {
    const env = { FLINK_WATERMARK_DELAY_MS: '5000', SINK_TYPE: 'kafka', PATH: '/usr/bin', SINK_KAFKA_BROKERS: 'b:9092', SINK_KAFKA_TOPIC: 't', SINK_KAFKA_DATA_TYPE: 'JSON' };
    const loaded = await loadLayeredJobConfig({ path: QUICKSTART, env, args: [['FLINK_WATERMARK_DELAY_MS', '7000']] });
    expect(loaded.config.watermark.delayMs).toBe(7000);
    expect(loaded.config.sink.type).toBe('kafka');
    expect(loaded.origins.get('FLINK_WATERMARK_DELAY_MS')).toBe('arg');
    expect(loaded.origins.get('SINK_TYPE')).toBe('env');
    expect(loaded.origins.get('FLINK_SQL_QUERY')).toBe('file');
    expect(loaded.origins.has('PATH')).toBe(false);
  });

  it('reads only variables that name config keys from the environment', () => {
    expect(configKeysFromEnv({ HOME: '/root', SINK_TYPE: 'log', SINK_KAFKA_PRODUCER_CONFIG_LINGER_MS: '5', SINK_KAFKA_PRODUCER_CONFIG_: 'x' })).toEqual({
      SINK_TYPE: 'log',
      SINK_KAFKA_PRODUCER_CONFIG_LINGER_MS: '5',
    });
  });

  it('a JSON job file may name its JSON Schema with $schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dirk-props-'));
    const file = join(dir, 'job.json');
    writeFileSync(file, JSON.stringify({ $schema: './job.schema.json', FLINK_SQL_QUERY: 'SELECT 1', SINK_TYPE: 'log', STREAMS: [] }));
    const err = await loadLayeredJobConfig({ path: file, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigErrors);
    expect((err as ConfigErrors).message).not.toContain('$schema');
    expect((err as ConfigErrors).warnings.join('\n')).not.toContain('$schema');
  });

  it('keeps the warnings with the errors, so a misspelt key explains the missing one', async () => {
    const err = (await loadLayeredJobConfig({
      path: QUICKSTART,
      env: {},
      args: [['FLINK_SQL_QUERY', ''], ['FLINK_SQL_QEURY', 'SELECT 1']],
    }).catch((e: unknown) => e)) as ConfigErrors;
    expect(err.message).toContain('config FLINK_SQL_QUERY: expected a non-empty SQL query');
    expect(err.warnings).toContain('FLINK_SQL_QEURY is not a known config key and is ignored (did you mean FLINK_SQL_QUERY?)');
  });

  it('--strict turns warnings into errors', async () => {
    const err = (await loadLayeredJobConfig({ path: QUICKSTART, env: {}, strict: true }).catch((e: unknown) => e)) as ConfigErrors;
    expect(err).toBeInstanceOf(ConfigErrors);
    expect(err.message).toMatch(/^PYTHON_UDF_CONFIG is ignored: PYTHON_UDF_ENABLE is false \(an error under --strict in .*local\.properties\)$/);
  });
});
