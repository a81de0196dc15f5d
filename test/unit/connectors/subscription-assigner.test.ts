import { describe, expect, it } from 'vitest';
import { assignBySubscription } from '../../../src/connectors/kafka/subscription-assigner.js';

describe('assignBySubscription', () => {
  const partitions = (n: number) => () => Array.from({ length: n }, (_, i) => i);

  it('gives each stream of one job (one group id) exactly its own topics', () => {
    const plan = assignBySubscription(
      new Map([
        ['m-orders', ['orders']],
        ['m-bids', ['bids']],
        ['m-people', ['people']],
      ]),
      partitions(3),
    );
    expect(plan.get('m-orders')).toEqual({ orders: [0, 1, 2] });
    expect(plan.get('m-bids')).toEqual({ bids: [0, 1, 2] });
    expect(plan.get('m-people')).toEqual({ people: [0, 1, 2] });
  });

  it('splits each topic between two instances subscribed to it, balanced overall', () => {
    const plan = assignBySubscription(
      new Map([
        ['a-orders', ['orders']],
        ['a-bids', ['bids']],
        ['b-orders', ['orders']],
        ['b-bids', ['bids']],
      ]),
      partitions(4),
    );
    expect(plan.get('a-orders')!['orders']!.length).toBe(2);
    expect(plan.get('b-orders')!['orders']!.length).toBe(2);
    expect([...plan.get('a-bids')!['bids']!, ...plan.get('b-bids')!['bids']!].sort()).toEqual([0, 1, 2, 3]);
    expect(plan.get('a-orders')!['bids']).toBeUndefined();
  });

  it('a member subscribed to several topics is balanced against single-topic members', () => {
    const plan = assignBySubscription(new Map([['x', ['t1', 't2']], ['y', ['t1']]]), partitions(2));
    const count = (m: string) => Object.values(plan.get(m)!).flat().length;
    expect(count('x') + count('y')).toBe(4);
    expect(plan.get('y')!['t1']!.length).toBeGreaterThanOrEqual(1);
    expect(plan.get('y')!['t2']).toBeUndefined();
  });
});
