import { describe, expect, it } from 'vitest';
import { T, type TableSchema } from '../../../src/core/types.js';
import type { PlanNode } from '../../../src/plan/nodes.js';
import { alignStatefulStates } from '../../../src/runtime/dataflow.js';
import { builtinFunctions } from '../../../src/sql/functions/index.js';
import { planSql } from '../../../src/sql/planner.js';
import { createFunctionCatalog } from '../../../src/udf/registry.js';

const auction: TableSchema = {
  name: 'auction',
  columns: [
    { name: 'id', type: T.BIGINT },
    { name: 'seller', type: T.BIGINT },
    { name: 'category', type: T.BIGINT },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 3,
};
const person: TableSchema = {
  name: 'person',
  columns: [
    { name: 'id', type: T.BIGINT },
    { name: 'name', type: T.STRING },
    { name: 'state', type: T.STRING },
    { name: 'rowtime', type: T.ROWTIME },
  ],
  rowtimeIndex: 3,
};
const catalog = {
  table: (n: string) => [auction, person].find((t) => t.name === n),
  tableNames: () => ['auction', 'person'],
  functions: createFunctionCatalog(builtinFunctions),
};

/** The plan as nested kinds, e.g. project(join(filter(scan), scan)). */
function shape(n: PlanNode): string {
  const kids = n.kind === 'scan' ? [] : n.kind === 'join' || n.kind === 'intervalJoin' ? [n.left, n.right] : 'input' in n ? [n.input] : [];
  const name = n.kind === 'scan' ? n.table.name : n.kind;
  return kids.length ? `${name}(${kids.map(shape).join(', ')})` : name;
}
const planOf = (sql: string): string => shape(planSql(sql, catalog).root);

describe('filter pushdown into joins', () => {
  it('Nexmark q3: each input is filtered by its own conjuncts before the inner join; nothing is left above it', () => {
    expect(
      planOf("SELECT P.name, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')"),
    ).toBe('project(join(filter(auction), filter(person)))');
  });

  it('a conjunct over both inputs stays above the join; the single-input ones go below', () => {
    expect(planOf('SELECT P.name FROM auction A JOIN person P ON A.seller = P.id WHERE A.category = 10 AND A.id > P.id')).toBe('project(filter(join(filter(auction), person)))');
  });

  it('outer joins: only the preserved side takes a conjunct; a FULL join none', () => {
    expect(planOf("SELECT A.id FROM auction A LEFT JOIN person P ON A.seller = P.id WHERE A.category = 10 AND P.state = 'CA'")).toBe(
      'project(filter(join(filter(auction), person)))',
    );
    expect(planOf("SELECT A.id FROM auction A RIGHT JOIN person P ON A.seller = P.id WHERE A.category = 10 AND P.state = 'CA'")).toBe(
      'project(filter(join(auction, filter(person))))',
    );
    expect(planOf("SELECT A.id FROM auction A FULL JOIN person P ON A.seller = P.id WHERE A.category = 10")).toBe('project(filter(join(auction, person)))');
  });

  it('conjuncts that could fail or differ by where they run stay above the join (division, functions)', () => {
    expect(planOf('SELECT A.id FROM auction A JOIN person P ON A.seller = P.id WHERE 100 / A.category > 1 AND UPPER(P.name) = P.name')).toBe(
      'project(filter(join(auction, person)))',
    );
  });

  it('an interval join takes the pushdown too', () => {
    expect(
      planOf("SELECT A.id FROM auction A JOIN person P ON A.seller = P.id AND P.rowtime BETWEEN A.rowtime AND A.rowtime + INTERVAL '5' SECOND WHERE P.state = 'CA'"),
    ).toBe('project(intervalJoin(auction, filter(person)))');
  });
});

describe('restoring a checkpoint of a plan with other stateless operators', () => {
  const stateful = (kind: string) => ({ snapshot: () => ({}), stateSpec: { kind, version: 1 } });
  const stateless = {};
  it('places each stateful operator state by order and kind', () => {
    const join = { $kind: 'join', $v: 1, data: 'j' };
    // Saved by Project, Filter, Join; restored into Project, Join, Filter, Filter.
    expect(alignStatefulStates([null, null, join], [stateless, stateful('join'), stateless, stateless])).toEqual([null, join, null, null]);
  });
  it('refuses when the stateful operators do not pair up one for one by kind', () => {
    const join = { $kind: 'join', $v: 1, data: 'j' };
    expect(alignStatefulStates([null, join], [stateful('window'), stateless, stateless])).toBeUndefined();
    expect(alignStatefulStates([join, join], [stateful('join'), stateless, stateless])).toBeUndefined();
  });
});
