/**
 * A Nexmark-style event generator of the project's own (the online-auction model of the Nexmark benchmark:
 * people register, open auctions, and bid): deterministic per (index, seed), so both engines of
 * scripts/flink-bench.mjs read the same records. Out of every 50 events, 1 is a person, 3 are auctions and
 * 46 are bids, as in Nexmark; event `i` happens `i * msPerEvent` after `baseMs`, in order, so every topic
 * is in event-time order. Values are JSON objects with the Nexmark field names; TIMESTAMP(3) fields as
 * 'YYYY-MM-DD HH:MM:SS.fff' (the text Flink's json format reads by default, and Dirk too).
 */

export type NexmarkKind = 'person' | 'auction' | 'bid';

export interface NexmarkEvent {
  readonly kind: NexmarkKind;
  readonly value: Record<string, unknown>;
}

const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;

/** A small, fast, seeded PRNG (a 32-bit xorshift-multiply hash of the event index): the same value for the same input. */
function hash(i: number, salt: number): number {
  let x = (Math.imul(i, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const pick = <T>(xs: readonly T[], h: number): T => xs[h % xs.length]!;

/** 'YYYY-MM-DD HH:MM:SS.fff' in UTC. */
export function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

export interface NexmarkOptions {
  readonly baseMs?: number;
  readonly msPerEvent?: number;
  readonly seed?: number;
}

/** How many persons and auctions come before event `i` (the ids they got are FIRST_* + that count). */
function countsBefore(i: number): { persons: number; auctions: number } {
  const cycles = Math.floor(i / 50);
  const r = i % 50;
  return { persons: cycles + (r > 0 ? 1 : 0), auctions: cycles * 3 + Math.min(Math.max(r - 1, 0), 3) };
}

/** Event `i`. */
export function nexmarkEvent(i: number, o: NexmarkOptions = {}): NexmarkEvent {
  const base = o.baseMs ?? Date.UTC(2026, 0, 1);
  const seed = o.seed ?? 1;
  const at = base + i * (o.msPerEvent ?? 1);
  const dateTime = sqlTimestamp(at);
  const h = (salt: number): number => hash(i, seed * 31 + salt);
  const r = i % 50;
  const { persons, auctions } = countsBefore(i);
  const extra = 'x'.repeat(h(9) % 24);
  if (r === 0) {
    const id = FIRST_PERSON_ID + persons;
    return {
      kind: 'person',
      value: {
        id,
        name: `${pick(FIRST, h(1))} ${pick(LAST, h(2))}`,
        emailAddress: `${pick(FIRST, h(3)).toLowerCase()}${id}@example.com`,
        creditCard: `${1000 + (h(4) % 9000)} ${1000 + (h(5) % 9000)} ${1000 + (h(6) % 9000)} ${1000 + (h(7) % 9000)}`,
        city: pick(CITIES, h(8)),
        state: pick(STATES, h(10)),
        dateTime,
        extra,
      },
    };
  }
  if (r <= 3) {
    const id = FIRST_AUCTION_ID + auctions;
    // The seller is one of the 100 most recent people (or the newest, early on).
    const seller = FIRST_PERSON_ID + Math.max(0, persons - 1 - (h(1) % Math.min(persons, 100)));
    const initialBid = 1 + (h(2) % 1000);
    return {
      kind: 'auction',
      value: {
        id,
        itemName: `item-${h(3) % 100_000}`,
        description: `description ${h(4) % 1000}`,
        initialBid,
        reserve: initialBid + (h(5) % 1000),
        dateTime,
        expires: sqlTimestamp(at + 1000 + (h(6) % 20_000)),
        seller,
        category: 10 + (h(7) % 5),
        extra,
      },
    };
  }
  // Bids go mostly to the newest auctions (hot items), the rest to any of the last 1000.
  const span = Math.max(1, Math.min(auctions, h(1) % 4 === 0 ? 1000 : 10));
  const auction = FIRST_AUCTION_ID + Math.max(0, auctions - 1 - (h(2) % span));
  const bidder = FIRST_PERSON_ID + Math.max(0, persons - 1 - (h(3) % Math.max(1, Math.min(persons, 1000))));
  return {
    kind: 'bid',
    value: {
      auction,
      bidder,
      price: 1 + (h(4) % 1_000_000),
      channel: pick(CHANNELS, h(5)),
      url: `https://www.nexmark.com/item.htm?query=${h(6) % 10_000}`,
      dateTime,
      extra,
    },
  };
}
