/**
 * A deterministic, seeded row generator for a TableSchema, and a source over it. Benchmarks use it to
 * measure the engine's in-process cost without Kafka or decoding; tests use it for repeatable input.
 *
 * Values by type: numbers in small ranges, strings from small per-column vocabularies (`<column>-<k>`, so
 * group-by keys repeat), nested rows/arrays/maps recursively. Event time (the rowtime column and every
 * TIMESTAMP column) advances by `eventIntervalMs` per row from `startTime`, minus a random delay of up to
 * `outOfOrdernessMs`, so rows arrive out of order by at most that much (what a watermark delay absorbs).
 * The same seed and options always give the same rows.
 */
import { decimalFromNumber, fitDecimal } from '../../core/decimal.js';
import type { Source, SourceContext, SourcePositions } from '../../core/connector.js';
import { DirkError } from '../../core/errors.js';
import type { Field, Row, SqlType, TableSchema } from '../../core/types.js';
import { createFlinkRowGenerator, type FlinkFieldOptions } from './flink-fields.js';

export interface DatagenOptions {
  readonly seed?: number;
  /** Event time of the first row (epoch ms); default 2024-01-01T00:00:00Z. */
  readonly startTime?: number;
  /** Event-time step between consecutive rows (ms); default 10. */
  readonly eventIntervalMs?: number;
  /** Maximum lateness of a row behind the current event time (ms); default 0 (in order). */
  readonly outOfOrdernessMs?: number;
  /** Distinct strings per STRING column; default 10. */
  readonly vocabularySize?: number;
  /** Per-column vocabulary sizes by column name (overrides vocabularySize). */
  readonly vocabulary?: Readonly<Record<string, number>>;
  /** Probability that a nullable column is null; default 0. */
  readonly nullRate?: number;
}

/** A small, fast, seedable PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RowGenerator {
  /** The next row (row number `index()` before the call). */
  next(): Row;
  /** Rows generated so far. */
  index(): number;
  /** Fills `out` with the next n rows (new arrays) and returns it. */
  batch(n: number, out?: Row[]): Row[];
}

type ValueGen = (i: number, eventTime: number) => unknown;

export function createRowGenerator(schema: TableSchema, options: DatagenOptions = {}): RowGenerator {
  const rnd = mulberry32(options.seed ?? 42);
  const start = options.startTime ?? Date.UTC(2024, 0, 1);
  const step = options.eventIntervalMs ?? 10;
  const ooo = options.outOfOrdernessMs ?? 0;
  const nullRate = options.nullRate ?? 0;
  const vocabSize = (name: string): number => Math.max(1, options.vocabulary?.[name] ?? options.vocabularySize ?? 10);

  function gen(name: string, type: SqlType, depth: number): ValueGen {
    switch (type.kind) {
      case 'BOOLEAN':
        return () => rnd() < 0.5;
      case 'INT':
        return () => Math.floor(rnd() * 1000);
      case 'BIGINT':
        return () => Math.floor(rnd() * 1_000_000);
      case 'FLOAT':
      case 'DOUBLE':
        return () => Math.round(rnd() * 100_000) / 100;
      case 'DECIMAL': {
        const f = 10 ** Math.min(type.scale, 6);
        return () => fitDecimal(decimalFromNumber(Math.round(rnd() * 1000 * f) / f)!, type.precision, type.scale);
      }
      case 'STRING': {
        const words = Array.from({ length: vocabSize(name) }, (_, k) => `${name}-${k}`);
        return () => words[Math.floor(rnd() * words.length)]!;
      }
      case 'BYTES':
        return () => Uint8Array.from({ length: 4 }, () => Math.floor(rnd() * 256));
      case 'TIMESTAMP':
        return (_i, t) => t;
      case 'ARRAY': {
        const el = gen(name, type.element, depth + 1);
        return (i, t) => Array.from({ length: Math.floor(rnd() * 4) }, () => el(i, t));
      }
      case 'MAP': {
        const k = gen(`${name}_key`, type.key, depth + 1);
        const v = gen(`${name}_value`, type.value, depth + 1);
        return (i, t) => {
          const m = new Map<unknown, unknown>();
          const n = Math.floor(rnd() * 3);
          for (let j = 0; j < n; j++) m.set(k(i, t), v(i, t));
          return m;
        };
      }
      case 'ROW': {
        const fields = type.fields.map((f) => [f.name, field(f, depth + 1)] as const);
        return (i, t) => {
          const o: Record<string, unknown> = {};
          for (const [n, g] of fields) o[n] = g(i, t);
          return o;
        };
      }
      case 'NULL':
        return () => null;
      case 'ANY':
        return () => Math.floor(rnd() * 1000);
    }
  }

  function field(f: Field, depth: number): ValueGen {
    const g = gen(f.name, f.type, depth);
    if (nullRate <= 0 || f.nullable === false || f.type.kind === 'TIMESTAMP') return g;
    return (i, t) => (rnd() < nullRate ? null : g(i, t));
  }

  const gens = schema.columns.map((c) => field(c, 0));
  const width = gens.length;
  let i = 0;

  const next = (): Row => {
    const lateness = ooo > 0 ? Math.floor(rnd() * (ooo + 1)) : 0;
    const t = start + i * step - lateness;
    const row: Row = new Array<unknown>(width);
    for (let c = 0; c < width; c++) row[c] = gens[c]!(i, t);
    i++;
    return row;
  };

  return {
    next,
    index: () => i,
    batch(n, out = []) {
      for (let k = 0; k < n; k++) out.push(next());
      return out;
    },
  };
}

export interface DatagenSourceOptions extends DatagenOptions {
  readonly table: TableSchema;
  /** Rows to generate; Infinity for an unbounded source. Default 10 000. */
  readonly rows?: number;
  /** Rows per delivered batch; default 1000. */
  readonly batchSize?: number;
  /** Cap on rows per second (processing time); default unlimited. */
  readonly ratePerSecond?: number;
  /** Split id of the single split; default `datagen`. */
  readonly split?: string;
  /** Flink's datagen rules by column (flink-fields.ts) instead of the seeded generator; may end the source early (sequences). */
  readonly flinkFields?: Readonly<Record<string, FlinkFieldOptions>>;
  /** With flinkFields: the column feeding a separate rowtime column (Dagger's JSON layout), if any. */
  readonly rowtimeSource?: string;
}

/** The rows of one run: the seeded generator, or Flink's rules (whose sequences may end it before `rows`). */
function rowsOf(options: DatagenSourceOptions, total: number): { next(): Row; limit: number } {
  if (options.flinkFields === undefined) {
    const gen = createRowGenerator(options.table, options);
    return { next: gen.next, limit: total };
  }
  const gen = createFlinkRowGenerator(options.table, options.flinkFields, 'SOURCE_DATAGEN_FIELDS', options.rowtimeSource);
  return { next: gen.next, limit: Math.min(total, gen.limit) };
}

/**
 * A source over createRowGenerator. Positions are `{ <split>: rows delivered }`; since generation is
 * deterministic, seek() regenerates and discards that many rows, so a restore resumes with the same rows.
 */
export function createDatagenSource(options: DatagenSourceOptions): Source {
  const total = options.rows ?? 10_000;
  const batchSize = options.batchSize ?? 1000;
  const split = options.split ?? 'datagen';
  let delivered = 0;
  let skip = 0;
  let stopping = false;
  let running = false;

  return {
    table: options.table.name,
    async run(ctx: SourceContext) {
      if (running) throw new DirkError('internal error: datagen source run() called twice');
      running = true;
      stopping = false;
      try {
        const gen = rowsOf(options, total);
        let index = 0;
        for (; index < skip && index < gen.limit; index++) gen.next();
        const t0 = performance.now();
        let sent = 0;
        // A rate-limited source delivers at least ten batches a second, so rows trickle as Flink's do.
        const perBatch = options.ratePerSecond ? Math.max(1, Math.min(batchSize, Math.ceil(options.ratePerSecond / 10))) : batchSize;
        while (!stopping && index < gen.limit) {
          const n = Math.min(perBatch, gen.limit - index);
          const rows: Row[] = new Array<Row>(n);
          for (let k = 0; k < n; k++) rows[k] = gen.next();
          index += n;
          ctx.metrics.recordsIn.inc(n);
          await ctx.deliver({ rows, split });
          delivered = index;
          sent += n;
          if (options.ratePerSecond) {
            const ahead = (sent / options.ratePerSecond) * 1000 - (performance.now() - t0);
            if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
          } else if (gen.limit === Infinity) {
            // Let timers and stop() run between batches of an endless source.
            await new Promise((r) => setImmediate(r));
          }
        }
      } finally {
        running = false;
      }
    },
    positions(): SourcePositions {
      return { [split]: String(Math.max(delivered, skip)) };
    },
    async commit() {},
    seek(positions) {
      const p = positions[split];
      if (p !== undefined) {
        skip = Number(p);
        delivered = skip;
      }
    },
    async stop() {
      stopping = true;
    },
  };
}
