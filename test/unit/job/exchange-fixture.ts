import { T, type TableSchema } from '../../../src/core/types.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

/** The tables the exchange unit tests plan over: `t` (a key, a number, event time) and `u` (the other join side). */
export const TABLE: TableSchema = {
  name: 't',
  columns: [
    { name: 'k', type: T.STRING },
    { name: 'x', type: T.BIGINT },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 2,
};
export const U: TableSchema = { ...TABLE, name: 'u', columns: [{ name: 'id', type: T.BIGINT }, { name: 'k2', type: T.STRING }, { name: 'rowtime', type: T.ROWTIME }] };
export const functions = createFunctionCatalog(builtinFunctions);

/** Plans `query` over `t` and `u`. */
export const plan = (query: string) => planSql(query, { table: (n) => (n === 't' ? TABLE : n === 'u' ? U : undefined), tableNames: () => ['t', 'u'], functions });
