import { describe, expect, it } from 'vitest';
import { SqlError, type SourcePosition } from '../../../src/core/errors.js';
import { parseStatements } from '../../../src/sql/parser.js';

/** The position a parse error reports, and its message without the "SQL error at ..." prefix. */
function parseError(sql: string): { pos: SourcePosition | undefined; message: string } {
  try {
    parseStatements(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    const err = e as SqlError;
    return { pos: err.position, message: err.message.replace(/^SQL error( at line \d+, column \d+)?: /, '') };
  }
  throw new Error(`expected a parse error for: ${sql}`);
}

describe('parse errors name the line and column', () => {
  it('counts lines and columns from 1', () => {
    expect(parseError('SELEC a FROM t')).toEqual({ pos: { line: 1, column: 1 }, message: "expected SELECT, found 'SELEC'" });
    expect(parseError('SELECT a,\n  , b FROM t').pos).toEqual({ line: 2, column: 3 });
  });

  it('keeps counting lines inside a block comment, a string literal and a quoted identifier', () => {
    expect(parseError('SELECT /* one\ntwo */ a FROM t WHERE').pos).toEqual({ line: 2, column: 22 });
    expect(parseError("SELECT 'x\ny' AS s FROM t WHERE ,").pos).toEqual({ line: 2, column: 22 });
    expect(parseError('SELECT `a\nb` FROM t WHERE ,').pos).toEqual({ line: 2, column: 17 });
  });

  it('skips line comments and points at the next token', () => {
    expect(parseError('SELECT a -- the column\nFROM\n  WHERE')).toEqual({ pos: { line: 3, column: 3 }, message: "expected a name, found 'WHERE'" });
  });

  it('reports the end of input at the position after the last character', () => {
    expect(parseError('SELECT a FROM t WHERE a >')).toEqual({ pos: { line: 1, column: 26 }, message: 'expected an expression, found end of input' });
  });

  it('points at an unexpected character, an unterminated string and an unterminated comment', () => {
    expect(parseError('SELECT a FROM t\nWHERE a # 1').pos).toEqual({ line: 2, column: 9 });
    expect(parseError("SELECT a FROM t WHERE s = 'abc")).toEqual({ pos: { line: 1, column: 27 }, message: 'unterminated string literal' });
    expect(parseError('SELECT a /* never closed')).toEqual({ pos: { line: 1, column: 10 }, message: 'unterminated comment' });
  });

  it('names the position inside a later statement', () => {
    expect(parseError('CREATE VIEW v AS SELECT a FROM t;\nSELECT FROM v').pos).toEqual({ line: 2, column: 8 });
  });

  it('points at the keyword of an unsupported construct', () => {
    expect(parseError('SELECT a FROM t\nJOIN (SELECT * FROM u) FOR SYSTEM_TIME AS OF t.r AS v ON a = b')).toEqual({
      pos: { line: 2, column: 24 },
      message: 'FOR SYSTEM_TIME AS OF follows a table name (a versioned or lookup table), not a sub-query or table function',
    });
    expect(parseError('SELECT a FROM t\n  MATCH_RECOGNIZE (ORDER BY r ALL ROWS PER MATCH PATTERN (A) DEFINE A AS a > 0)').pos).toEqual({ line: 2, column: 31 });
    expect(parseError('SELECT a FROM t\n  MATCH_RECOGNIZE (ORDER BY r PATTERN (A | B) DEFINE A AS a > 0)').pos).toEqual({ line: 2, column: 42 });
  });

  it('reads an empty query as an error at 1:1', () => {
    expect(parseError('  ;  ')).toEqual({ pos: { line: 1, column: 1 }, message: 'the query is empty' });
  });
});
