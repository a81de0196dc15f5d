/**
 * Client of a Stencil-style descriptor registry (raystack/stencil HTTP API, Dagger's SCHEMA_REGISTRY_STENCIL_*).
 *
 * Every URL returns a binary FileDescriptorSet; several URLs are merged. Fetches have a timeout, custom
 * headers, and retries with exponential backoff from `backoffMinMs`. With auto refresh, LONG_POLLING
 * re-fetches every `ttlMs`; VERSION_BASED_REFRESH asks `<url>/versions` every `ttlMs` and downloads
 * `<url>/versions/<max>` only when it grew. A refresh that fails keeps the cached descriptors (warning).
 */
import { DirkError, externalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactUrl } from '../core/redact.js';
import { mergeDescriptorSets, RootRegistry, type DescriptorSource } from './descriptor-registry.js';

export type StencilSource = Extract<DescriptorSource, { kind: 'stencil' }>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class StencilRegistry extends RootRegistry {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<boolean> | undefined;
  /** Last downloaded set per URL. */
  private readonly sets = new Map<string, Uint8Array>();
  /** Last seen version per URL (VERSION_BASED_REFRESH). */
  private readonly versions = new Map<string, number>();

  private constructor(
    private readonly source: StencilSource,
    private readonly logger: Logger,
    private readonly onChange: (() => void) | undefined,
    initial: Map<string, Uint8Array>,
    versions: Map<string, number>,
  ) {
    super(mergeDescriptorSets(source.urls.map((u) => initial.get(u)!)));
    for (const [u, b] of initial) this.sets.set(u, b);
    for (const [u, v] of versions) this.versions.set(u, v);
    if (source.autoRefresh && source.ttlMs > 0) {
      this.timer = setInterval(() => void this.refresh(), source.ttlMs);
      this.timer.unref();
    }
    this.onClose(() => {
      if (this.timer) clearInterval(this.timer);
      this.abort.abort();
    });
  }

  static async open(source: StencilSource, logger: Logger, onChange?: () => void): Promise<StencilRegistry> {
    if (source.urls.length === 0) {
      throw new DirkError('SCHEMA_REGISTRY_STENCIL_URLS is empty: give at least one descriptor set URL', {
        domain: 'user',
        key: 'SCHEMA_REGISTRY_STENCIL_URLS',
      });
    }
    const signal = new AbortController().signal;
    const initial = new Map<string, Uint8Array>();
    const versions = new Map<string, number>();
    await Promise.all(
      source.urls.map(async (url) => {
        if (source.refreshStrategy === 'VERSION_BASED_REFRESH') {
          // learn the version we start from, so a later refresh can tell whether it grew
          try {
            const max = await latestVersion(source, url, signal, source.retries, logger);
            if (max !== undefined) {
              initial.set(url, await fetchBytes(source, `${url}/versions/${max}`, signal, source.retries, logger));
              versions.set(url, max);
              return;
            }
          } catch (e) {
            logger.warn('schema registry: cannot list versions, fetching the latest set instead', {
              url,
              error: (e as Error).message,
            });
          }
        }
        initial.set(url, await fetchBytes(source, url, signal, source.retries, logger));
      }),
    );
    logger.info('schema registry: descriptors loaded', { urls: source.urls, strategy: source.refreshStrategy });
    return new StencilRegistry(source, logger, onChange, initial, versions);
  }

  /** One refresh round; resolves true when the descriptors changed. Never throws. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const signal = this.abort.signal;
    let changed = false;
    for (const url of this.source.urls) {
      if (signal.aborted) return false;
      try {
        if (this.source.refreshStrategy === 'VERSION_BASED_REFRESH') {
          const max = await latestVersion(this.source, url, signal, 0, this.logger);
          const seen = this.versions.get(url) ?? 0;
          if (max === undefined || max <= seen) continue;
          const bytes = await fetchBytes(this.source, `${url}/versions/${max}`, signal, 0, this.logger);
          this.versions.set(url, max);
          this.sets.set(url, bytes);
          changed = true;
        } else {
          const bytes = await fetchBytes(this.source, url, signal, 0, this.logger);
          const old = this.sets.get(url);
          if (old && Buffer.from(old).equals(bytes)) continue;
          this.sets.set(url, bytes);
          changed = true;
        }
      } catch (e) {
        if (signal.aborted) return false;
        this.logger.warn('schema registry refresh failed; keeping the cached descriptors', {
          url,
          error: (e as Error).message,
        });
      }
    }
    if (!changed || signal.aborted) return false;
    try {
      this.setRoot(mergeDescriptorSets(this.source.urls.map((u) => this.sets.get(u)!)));
    } catch (e) {
      this.logger.warn('schema registry sent descriptors that do not parse; keeping the cached ones', {
        error: (e as Error).message,
      });
      return false;
    }
    this.logger.info('schema registry: descriptors changed', { generation: this.generation });
    try {
      this.onChange?.();
    } catch (e) {
      this.logger.error('schema registry onChange handler failed', { error: (e as Error).message });
    }
    return true;
  }
}

export function openStencilRegistry(
  source: StencilSource,
  opts: { logger: Logger; onChange?: () => void },
): Promise<StencilRegistry> {
  return StencilRegistry.open(source, opts.logger, opts.onChange);
}

async function fetchOnce(source: StencilSource, url: string, signal: AbortSignal): Promise<Response> {
  const timeout = AbortSignal.timeout(source.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { headers: source.headers, signal: AbortSignal.any([timeout, signal]) });
  } catch (e) {
    if (timeout.aborted) throw new Error(`timed out after ${source.timeoutMs} ms`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (e as Error).message);
  }
  if (!res.ok) {
    const body = (await res.text().catch(() => '')).slice(0, 200);
    throw new HttpError(res.status, `HTTP ${res.status}${body ? `: ${body}` : ''}`);
  }
  return res;
}

/** GET with retries: network errors, timeouts and 5xx are retried with exponential backoff; 4xx is not. */
async function withRetries<T>(
  source: StencilSource,
  url: string,
  signal: AbortSignal,
  retries: number,
  logger: Logger,
  get: () => Promise<T>,
): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      return await get();
    } catch (e) {
      last = e;
      if (e instanceof HttpError && e.status >= 400 && e.status < 500) break;
      if (attempt < retries && !signal.aborted) {
        const wait = source.backoffMinMs * 2 ** attempt;
        logger.warn('schema registry fetch failed; retrying', {
          url,
          attempt: attempt + 1,
          of: retries + 1,
          retryInMs: wait,
          error: (e as Error).message,
        });
        await sleep(wait, signal);
      }
    }
  }
  const attempts = last instanceof HttpError && last.status < 500 ? 1 : retries + 1;
  throw externalError(
    `cannot fetch protobuf descriptors from the schema registry at ${redactUrl(url)} (${attempts} attempt${attempts === 1 ? '' : 's'}): ${(last as Error).message}`,
    { key: 'SCHEMA_REGISTRY_STENCIL_URLS', cause: last, retriable: !(last instanceof HttpError && last.status < 500) },
  );
}

function fetchBytes(source: StencilSource, url: string, signal: AbortSignal, retries: number, logger: Logger): Promise<Uint8Array> {
  return withRetries(source, url, signal, retries, logger, async () => {
    const res = await fetchOnce(source, url, signal);
    return new Uint8Array(await res.arrayBuffer());
  });
}

async function latestVersion(
  source: StencilSource,
  url: string,
  signal: AbortSignal,
  retries: number,
  logger: Logger,
): Promise<number | undefined> {
  const body = await withRetries(source, `${url}/versions`, signal, retries, logger, async () => {
    const res = await fetchOnce(source, `${url}/versions`, signal);
    return (await res.json()) as { versions?: unknown };
  });
  const versions = Array.isArray(body.versions) ? body.versions.map(Number).filter((n) => Number.isFinite(n)) : [];
  return versions.length ? Math.max(...versions) : undefined;
}
