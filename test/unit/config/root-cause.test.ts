import { describe, expect, it } from 'vitest';
import { errorsOf, minimal } from './helpers.js';

/**
 * Errors that only follow from an earlier one are held back: a wrong INPUT_DATATYPE or SOURCE_DETAILS is
 * reported alone, not with the keys its fallback (PROTO, KAFKA_CONSUMER) would need.
 */
const jsonDatagen = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  INPUT_SCHEMA_TABLE: 'rides',
  INPUT_DATATYPE: 'JSON',
  INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties: { city: { type: 'string' }, ts: { type: 'string', format: 'date-time' } } },
  INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
  SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN_SOURCE' }],
  ...over,
});

describe('root causes only', () => {
  it('a misspelt INPUT_DATATYPE does not add the proto keys as missing', () => {
    expect(errorsOf(minimal({ STREAMS: [jsonDatagen({ INPUT_DATATYPE: 'JSN' })] }))).toEqual([
      'config STREAMS[0].INPUT_DATATYPE: expected one of PROTO, JSON, AVRO, found "JSN" (did you mean JSON?)',
    ]);
  });

  it('still checks the keys of the data type the stream was written for', () => {
    expect(errorsOf(minimal({ STREAMS: [jsonDatagen({ INPUT_DATATYPE: 'JSN', INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: undefined })] }))).toEqual([
      'config STREAMS[0].INPUT_DATATYPE: expected one of PROTO, JSON, AVRO, found "JSN" (did you mean JSON?)',
      'config STREAMS[0].INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: expected the name of the event-time field, found nothing (the key is missing)',
    ]);
  });

  it('an unreadable SOURCE_DETAILS does not add the Kafka keys as missing', () => {
    const errors = errorsOf(minimal({ STREAMS: [jsonDatagen({ SOURCE_DETAILS: 'oops' })] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^config STREAMS\[0\]\.SOURCE_DETAILS: expected a one-element array/);
  });

  it('a misspelt SOURCE_NAME is reported alone', () => {
    const errors = errorsOf(minimal({ STREAMS: [jsonDatagen({ SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'DATAGEN' }] })] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/SOURCE_DETAILS\[0\]\.SOURCE_NAME: expected one of .* found "DATAGEN"$/);
  });
});
