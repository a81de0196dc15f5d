import { describe, expect, it } from 'vitest';
import { RowKind, T, type Field, type Row } from '../../../src/core/types.js';
import { createJsonChangelogEncoder } from '../../../src/connectors/kafka/json-changelog.js';

const columns: Field[] = [
  { name: 'k', type: T.STRING },
  { name: 'n', type: T.BIGINT },
];
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

describe('JSON changelog records for updating results', () => {
  const rows: Row[] = [
    ['a', 1],
    ['a', 1],
    ['a', 2],
    ['b', 5],
    ['b', 5],
    ['a', 2],
  ];
  const kinds = [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Insert, RowKind.UpdateBefore, RowKind.Delete];

  it('UPSERT: JSON key of the unique key; -U replaced by its +U writes nothing; an orphan -U and -D are tombstones', () => {
    const encode = createJsonChangelogEncoder(columns, { mode: 'UPSERT', uniqueKey: [0] });
    const out = encode(rows, kinds).map((m) => [text(m.key), text(m.value)]);
    expect(out).toEqual([
      ['{"k":"a"}', '{"k":"a","n":1}'],
      ['{"k":"a"}', '{"k":"a","n":2}'],
      ['{"k":"b"}', '{"k":"b","n":5}'],
      // b's -U is not followed by a +U (e.g. HAVING dropped the new value): the key is gone.
      ['{"k":"b"}', null],
      ['{"k":"a"}', null],
    ]);
  });

  it('UPSERT: a composite key keeps the key columns in result order', () => {
    const encode = createJsonChangelogEncoder([...columns, { name: 'w', type: T.TIMESTAMP }], { mode: 'UPSERT', uniqueKey: [2, 0] });
    const [m] = encode([['a', 1, Date.UTC(2026, 0, 1)]], undefined);
    expect(text(m!.key)).toBe('{"w":"2026-01-01T00:00:00.000Z","k":"a"}');
  });

  it("DEBEZIUM: Flink's debezium-json records, +I/+U as op c with after, -U/-D as op d with before", () => {
    const encode = createJsonChangelogEncoder(columns, { mode: 'DEBEZIUM', uniqueKey: [0] });
    const out = encode(rows, kinds).map((m) => [text(m.key), JSON.parse(text(m.value)!)]);
    expect(out).toEqual([
      ['{"k":"a"}', { before: null, after: { k: 'a', n: 1 }, op: 'c' }],
      ['{"k":"a"}', { before: { k: 'a', n: 1 }, after: null, op: 'd' }],
      ['{"k":"a"}', { before: null, after: { k: 'a', n: 2 }, op: 'c' }],
      ['{"k":"b"}', { before: null, after: { k: 'b', n: 5 }, op: 'c' }],
      ['{"k":"b"}', { before: { k: 'b', n: 5 }, after: null, op: 'd' }],
      ['{"k":"a"}', { before: { k: 'a', n: 2 }, after: null, op: 'd' }],
    ]);
  });

  it('DEBEZIUM without a unique key writes null keys', () => {
    const encode = createJsonChangelogEncoder(columns, { mode: 'DEBEZIUM' });
    expect(encode([['a', 1]], [RowKind.Insert])[0]!.key).toBeNull();
  });

  it('UPSERT without a unique key is refused, naming the key to change', () => {
    expect(() => createJsonChangelogEncoder(columns, { mode: 'UPSERT' })).toThrow(/SINK_KAFKA_JSON_CHANGELOG=UPSERT needs the result's unique key.*SINK_KAFKA_JSON_CHANGELOG=DEBEZIUM/);
  });
});
