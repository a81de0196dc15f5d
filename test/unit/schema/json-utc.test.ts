import { afterEach, describe, expect, it } from 'vitest';
import { createJsonRowDecoder, jsonTableSchema } from '../../../src/schema/index.js';

// Dirk runs in UTC like Dagger: a date-time without a zone is UTC whatever the machine's time zone.
describe('JSON date-times without a zone are UTC', () => {
  const saved = process.env['TZ'];
  afterEach(() => {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  });

  it.each(['2026-01-01T09:00:00', '2026-01-01 09:00:00', '2026-01-01T09:00:00Z', '2026-01-01T10:00:00+01:00', '2026-01-01T16:00:00+0700'])(
    '%s',
    (ts) => {
      process.env['TZ'] = 'Asia/Jakarta';
      const schema = JSON.stringify({ type: 'object', properties: { at: { type: 'string', format: 'date-time' }, ts: { type: 'string' } } });
      const table = jsonTableSchema(schema, { table: 'x', rowtimeFieldName: 'ts', rowtimeName: 'rowtime' });
      const row = createJsonRowDecoder(table, { rowtimeFieldName: 'ts' }).decode(Buffer.from(JSON.stringify({ at: ts, ts })));
      const nine = Date.UTC(2026, 0, 1, 9, 0, 0);
      expect(row[0]).toBe(nine);
      expect(row[2]).toBe(nine);
    },
  );
});
