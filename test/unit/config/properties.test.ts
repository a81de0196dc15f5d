import { describe, expect, it } from 'vitest';
import { parseProperties } from '../../../src/config/properties.js';

describe('parseProperties (Java .properties, as Dagger job files)', () => {
  it('reads key=value lines, skips comments and keeps JSON values as text', () => {
    const text = [
      '# == Query ==',
      'FLINK_SQL_QUERY=SELECT  order_number, customer_id FROM `data_stream_0`',
      '! another comment',
      '',
      'STREAMS=[{"SOURCE_KAFKA_TOPIC_NAMES":"t","SOURCE_DETAILS":[{"SOURCE_TYPE":"UNBOUNDED"}]}]',
      '  SINK_TYPE = log',
      'KEY:colon',
      'SPACED value with spaces  ',
    ].join('\n');
    expect(parseProperties(text)).toEqual({
      FLINK_SQL_QUERY: 'SELECT  order_number, customer_id FROM `data_stream_0`',
      STREAMS: '[{"SOURCE_KAFKA_TOPIC_NAMES":"t","SOURCE_DETAILS":[{"SOURCE_TYPE":"UNBOUNDED"}]}]',
      SINK_TYPE: 'log',
      KEY: 'colon',
      SPACED: 'value with spaces  ',
    });
  });

  it('joins continued lines and reads escapes', () => {
    expect(parseProperties('A=one \\\n    two\r\nB=x\\=y\\tz\\u00e9\\\\\nC\\ D=e')).toEqual({ A: 'one two', B: 'x=y\tzé\\', 'C D': 'e' });
  });
});
