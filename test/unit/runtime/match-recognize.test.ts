import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { T, type Row, type TableSchema } from '../../../src/core/types.js';
import type { MatchElement, PlanNode } from '../../../src/plan/nodes.js';
import { explainPlan } from '../../../src/plan/printer.js';
import { advance, EMPTY_MATCH, type Candidate, type PartialMatch, type StepResult } from '../../../src/runtime/match/nfa.js';
import { MatchRecognizeOperator } from '../../../src/runtime/match/operator.js';
import { CheckpointStore } from '../../../src/runtime/checkpoint-store.js';
import { buildDataflow, type Dataflow } from '../../../src/runtime/dataflow.js';
import { noHooks, type Output } from '../../../src/runtime/operator.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

// ---- the automaton alone: variables are letters, a row is the letter it satisfies -------------------------

const el = (variable: number, min: number, max: number | null, greedy = false): MatchElement => ({ variable, min, max, greedy });

/** Runs rows (one letter each, 'a' = variable 0) through the automaton; returns the matches as letter strings. */
function runNfa(pattern: MatchElement[], input: string, test?: (v: number, pm: PartialMatch, c: Candidate) => boolean): string[] {
  const cond = test ?? ((v: number, _pm: PartialMatch, c: Candidate): boolean => (c.row[0] as string).includes(String.fromCharCode(97 + v)));
  let partials: PartialMatch[] = [];
  const found: string[] = [];
  [...input].forEach((ch, seq) => {
    const step: StepResult = { next: [], complete: [] };
    const cand = { seq, time: seq, row: [ch] };
    for (const pm of partials) advance(pattern, cond, pm, cand, step);
    advance(pattern, cond, EMPTY_MATCH, cand, step);
    partials = step.next;
    for (const m of step.complete) found.push(`${m.start}:${m.rows.map((r) => String.fromCharCode(97 + r.v)).join('')}`);
  });
  return found;
}

describe('MATCH_RECOGNIZE automaton', () => {
  it('matches a strict sequence and drops a partial match no branch accepts', () => {
    expect(runNfa([el(0, 1, 1), el(1, 1, 1)], 'aab')).toEqual(['1:ab']);
  });

  it('completes after every take once the rest is optional (a reluctant loop ends as soon as it may)', () => {
    // (A B+?): every B after the A ends a match of the same start.
    expect(runNfa([el(0, 1, 1), el(1, 1, null)], 'abb')).toEqual(['0:ab', '0:abb']);
  });

  it('a greedy loop keeps rows its own condition accepts from the next element', () => {
    // Rows 'x' satisfy both B (1) and C (2): greedy B* takes them, C only gets a row B refuses.
    const test = (v: number, _pm: PartialMatch, c: Candidate): boolean => ({ a: [0], x: [1, 2], c: [2] })[c.row[0] as 'a' | 'x' | 'c']!.includes(v);
    expect(runNfa([el(0, 1, 1), el(1, 0, null, true), el(2, 1, 1)], 'axxc', test)).toEqual(['0:abbc']);
    // Reluctant B*?: C takes the first x already.
    expect(runNfa([el(0, 1, 1), el(1, 0, null, false), el(2, 1, 1)], 'axxc', test)).toEqual(['0:ac', '0:abc', '0:abbc']);
  });

  it('honours {n}, {n,m} and optional elements', () => {
    expect(runNfa([el(0, 2, 2), el(1, 1, 1)], 'aaab')).toEqual(['1:aab']);
    expect(runNfa([el(0, 1, 1), el(1, 0, 1), el(2, 1, 1)], 'ac abc'.replace(' ', ''))).toEqual(['0:ac', '2:abc']);
    expect(runNfa([el(0, 1, 3), el(1, 1, 1)], 'aaaab')).toEqual(['1:aaab', '2:aab', '3:ab']);
  });

  it('conditions see the rows mapped so far (LAST of the variable)', () => {
    // Rising run then a drop: A+ (each greater than the last A) then B (lower than the last A).
    const values = [1, 3, 5, 2];
    const test = (v: number, pm: PartialMatch, c: Candidate): boolean => {
      const x = values[c.seq]!;
      const lastA = [...pm.rows].reverse().find((r) => r.v === 0);
      return v === 0 ? lastA === undefined || x > values[lastA.seq]! : lastA !== undefined && x < values[lastA.seq]!;
    };
    expect(runNfa([el(0, 1, null, true), el(1, 1, 1)], 'wxyz', test)).toEqual(['0:aaab', '1:aab', '2:ab']);
  });
});

// ---- the operator: event time, AFTER MATCH SKIP, WITHIN, checkpoints ---------------------------------------

const ticker: TableSchema = {
  name: 'Ticker',
  columns: [
    { name: 'symbol', type: T.STRING },
    { name: 'price', type: T.BIGINT },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};
const catalog = { table: (n: string) => (n === 'Ticker' ? ticker : undefined), tableNames: () => ['Ticker'], functions: createFunctionCatalog(builtinFunctions) };

function matchNode(sql: string): Extract<PlanNode, { kind: 'match' }> {
  const find = (n: PlanNode): PlanNode => (n.kind === 'match' ? n : find((n as { input: PlanNode }).input));
  return find(planSql(sql, catalog).root) as Extract<PlanNode, { kind: 'match' }>;
}

function sink(): Output & { rows: string[] } {
  const rows: string[] = [];
  return { rows, data: (batch: Row[]) => batch.forEach((r) => rows.push(JSON.stringify(r))), watermark() {} };
}

const DROP = `SELECT * FROM Ticker MATCH_RECOGNIZE (
  PARTITION BY symbol ORDER BY rowtime
  MEASURES FIRST(A.price) AS startPrice, LAST(A.price) AS lowPrice, B.price AS upPrice
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B) WITHIN INTERVAL '10' SECOND
  DEFINE A AS LAST(A.price, 1) IS NULL OR A.price < LAST(A.price, 1), B AS B.price > LAST(A.price)
)`;

const AVG_RUNS = `SELECT * FROM Ticker MATCH_RECOGNIZE (
  PARTITION BY symbol ORDER BY rowtime
  MEASURES COUNT(A.price) AS n, AVG(A.price) AS avgPrice, MIN(A.price) AS lo, MAX(A.price) AS hi, SUM(price) AS total
  AFTER MATCH SKIP TO NEXT ROW
  PATTERN (A+? B)
  DEFINE A AS AVG(A.price) < 8, B AS SUM(A.price) > 10
)`;

const prices = [9, 8, 7, 8, 5, 4, 3, 2, 6, 9, 1, 2];
const rowsOf = (symbol: string): Row[] => prices.map((p, i) => [symbol, p, i * 1000]);

describe('MatchRecognizeOperator', () => {
  it.each([
    ['navigation', DROP],
    ['incremental aggregates (kept outside the checkpoint, recomputed after it)', AVG_RUNS],
  ])('resumes from a v8-serialised checkpoint taken mid-match with the same output as an uninterrupted run: %s', (_name, sql) => {
    const node = matchNode(sql);
    const whole = sink();
    const op = new MatchRecognizeOperator(node, { out: whole, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op.process([...rowsOf('x'), ...rowsOf('y')], undefined);
    op.onWatermark(100_000);

    const first = sink();
    const a = new MatchRecognizeOperator(node, { out: first, hooks: noHooks, retentionMs: 0, now: () => 0 });
    a.process([...rowsOf('x').slice(0, 6), ...rowsOf('y').slice(0, 7)], undefined);
    a.onWatermark(4_500); // x rows up to 4 s are matched; a partial match of x is open, y rows wait
    const saved = deserialize(serialize(a.snapshot()));
    const second = sink();
    const b = new MatchRecognizeOperator(node, { out: second, hooks: noHooks, retentionMs: 0, now: () => 0 });
    b.restore(saved);
    b.process([...rowsOf('x').slice(6), ...rowsOf('y').slice(7)], undefined);
    b.onWatermark(100_000);
    expect(whole.rows.length).toBeGreaterThan(2);
    expect([...first.rows, ...second.rows].sort()).toEqual([...whole.rows].sort());
  });

  it('keeps state bounded: finished and WITHIN-expired partial matches free their rows', () => {
    const node = matchNode(DROP);
    const out = sink();
    const op = new MatchRecognizeOperator(node, { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    // A price that only falls never completes (A+ B needs a rise): without WITHIN every row would stay held.
    for (let i = 0; i < 2_000; i++) {
      op.process([['z', 1_000_000 - i, i * 1000]], undefined);
      op.onWatermark(i * 1000);
    }
    const s = op.snapshot() as { parts: Map<unknown, { partials: { rows: unknown[] }[] }> };
    const held = [...s.parts.values()].flatMap((p) => p.partials).reduce((n, p) => n + p.rows.length, 0);
    // WITHIN 10 s: only partial matches that started in the last 10 s remain (10 of them, at most 10 rows each).
    expect(held).toBeLessThanOrEqual(10 * 11);
    expect(out.rows).toEqual([]);
    op.process([['z', 5_000_000, 2_000_000]], undefined);
    op.onWatermark(2_000_000);
    expect(out.rows.length).toBe(1);
    expect(op.stateEntries()).toBe(0);
  });

  it('drops rows at or below the watermark already passed (late), counting them', () => {
    const node = matchNode(DROP);
    const out = sink();
    const op = new MatchRecognizeOperator(node, { out, hooks: noHooks, retentionMs: 0, now: () => 0 });
    op.onWatermark(5_000);
    op.process([['x', 1, 5_000], ['x', 2, 5_001]], undefined);
    expect(op.lateCount()).toBe(1);
  });
});

describe('explain of MATCH_RECOGNIZE', () => {
  it('prints the pattern, its clauses and the navigation as written', () => {
    const text = explainPlan(planSql(DROP, catalog));
    expect(text).toContain(
      'MatchRecognize(partition=[symbol], order=[rowtime ASC], sorted at the watermark, pattern=(A+ B) WITHIN 10000 ms, after=SKIP PAST LAST ROW, ' +
        'define=[A AS OR(IS_NULL(LAST(A.price, 1)), (A.price < LAST(A.price, 1))), B AS (B.price > A.price)], ' +
        'measures=[FIRST(A.price) AS startPrice, A.price AS lowPrice, B.price AS upPrice], one row per match)',
    );
  });
});

describe('MATCH_RECOGNIZE in a dataflow checkpoint', () => {
  it('restores from a checkpoint file written mid-stream and emits exactly the rest of an uninterrupted run', async () => {
    const plan = planSql(DROP, catalog);
    const start = (): { flow: Dataflow; out: string[] } => {
      const out: string[] = [];
      const flow = buildDataflow(plan, { data: (rows: Row[]) => rows.forEach((r) => out.push(JSON.stringify(r))), watermark() {} }, { hooks: { late() {} }, retentionMs: 0, now: () => 0 });
      return { flow, out };
    };
    const feed = async (flow: Dataflow, rows: Row[], watermark: number): Promise<void> => {
      flow.inputs[0]!.push(rows);
      await flow.settle();
      flow.inputs[0]!.watermark(watermark);
      flow.batchEnd();
    };
    const before = [...rowsOf('x').slice(0, 6), ...rowsOf('y').slice(0, 7)];
    const after = [...rowsOf('x').slice(6), ...rowsOf('y').slice(7)];
    const whole = start();
    await feed(whole.flow, before, 4_500);
    const split = whole.out.length;
    await feed(whole.flow, after, 100_000);
    const expected = whole.out.slice(split);
    expect(expected.length).toBeGreaterThan(0);

    const dir = mkdtempSync(join(tmpdir(), 'dirk-match-'));
    try {
      const first = start();
      await feed(first.flow, before, 4_500);
      const store = new CheckpointStore(dir);
      store.save({ id: 1, takenAt: 0, planFingerprint: 'p', positions: {}, operatorStates: first.flow.snapshot(), watermarks: {} });
      const saved = new CheckpointStore(dir).latest()!;
      const resumed = start();
      resumed.flow.restore(saved.operatorStates);
      await feed(resumed.flow, after, 100_000);
      expect(resumed.out).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
