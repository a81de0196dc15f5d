import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { FunctionContext } from '../../src/udf/api.js';

/**
 * The store behind DartContains / DartGet (Dagger reads a GCS bucket). Dirk reads the same object layout from
 * a local folder or an HTTP(S) base URL, chosen by the job's UDF config:
 *   UDF_DART_STORE_PATH = /data/darts          -> /data/darts/dart-contains/<list>, /data/darts/dart-get/<collection>
 *   UDF_DART_STORE_URL  = https://host/darts   -> GET https://host/darts/dart-get/<collection>
 * dart-contains objects are {"data": ["a", "b", ...]}; dart-get objects are {"key": "value", ...}.
 * Fetched data is cached per name and fetched again once older than the ttl (hours) the query passes, or when
 * it was empty.
 */
export interface DartStore {
  read(kind: 'dart-contains' | 'dart-get', name: string): Promise<unknown>;
}

export function dartStoreFrom(config: Readonly<Record<string, unknown>>): DartStore | undefined {
  const dir = config.UDF_DART_STORE_PATH;
  const url = config.UDF_DART_STORE_URL;
  if (typeof dir === 'string' && dir !== '') {
    return {
      async read(kind, name) {
        const file = path.join(dir, kind, name);
        if (!file.startsWith(path.join(dir, kind) + path.sep)) throw new Error(`bad dart name "${name}"`);
        return JSON.parse(await fsp.readFile(file, 'utf8'));
      },
    };
  }
  if (typeof url === 'string' && url !== '') {
    return {
      async read(kind, name) {
        const res = await fetch(`${url.replace(/\/+$/, '')}/${kind}/${encodeURIComponent(name)}`);
        if (!res.ok) throw new Error(`GET ${res.url}: HTTP ${res.status}`);
        return res.json();
      },
    };
  }
  return undefined;
}

interface Entry<T> {
  readonly data: T;
  readonly fetchedAt: number;
  readonly empty: boolean;
}

/** A TTL cache over the store, one per function. */
export class DartCache<T> {
  private store: DartStore | undefined;
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<Entry<T>>>();

  constructor(
    private readonly fn: string,
    private readonly kind: 'dart-contains' | 'dart-get',
    private readonly convert: (raw: unknown, name: string) => { data: T; empty: boolean },
    private readonly now: () => number = Date.now,
  ) {}

  open(ctx: FunctionContext): void {
    this.store = dartStoreFrom(ctx.config);
    this.entries.clear();
  }

  /** For tests and embedders: use this store directly. */
  useStore(store: DartStore): void {
    this.store = store;
    this.entries.clear();
  }

  async get(name: string, ttlHours: number): Promise<T> {
    const cached = this.entries.get(name);
    if (cached && !cached.empty && this.now() <= cached.fetchedAt + ttlHours * 3_600_000) return cached.data;
    let pending = this.inFlight.get(name);
    if (pending === undefined) {
      pending = this.fetch(name).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return (await pending).data;
  }

  private async fetch(name: string): Promise<Entry<T>> {
    if (this.store === undefined) {
      throw new Error(`${this.fn}: no dart store configured; set UDF_DART_STORE_PATH (a folder) or UDF_DART_STORE_URL (an HTTP base URL)`);
    }
    let raw: unknown;
    try {
      raw = await this.store.read(this.kind, name);
    } catch (e) {
      throw new Error(`${this.fn}: cannot read ${this.kind}/${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const { data, empty } = this.convert(raw, name);
    const entry = { data, empty, fetchedAt: this.now() };
    this.entries.set(name, entry);
    return entry;
  }
}
