/**
 * Module loader hooks (registered with node:module `register`, so they run on Node's loader thread) that
 * serve compiled UDF modules from memory: the UDF loader posts each compiled module's text under a virtual
 * file URL next to its source (`.<name>.dirk-<hash>.mjs`, never written), then imports that URL. Being in the
 * source's folder, the virtual module resolves relative imports and packages exactly as the source would,
 * and nothing is written to the folder (which may be a read-only mount).
 */
import type { MessagePort } from 'node:worker_threads';

const VIRTUAL = /\/\.[^/]+\.dirk-[0-9a-f]{12}\.mjs$/;
const sources = new Map<string, string>();
const waiting = new Map<string, (source: string) => void>();

function isVirtual(url: string): boolean {
  return url.startsWith('file:') && VIRTUAL.test(new URL(url).pathname);
}

export function initialize(data: { port: MessagePort }): void {
  data.port.on('message', (m: { url: string; source: string }) => {
    const w = waiting.get(m.url);
    if (w) {
      waiting.delete(m.url);
      w(m.source);
    } else sources.set(m.url, m.source);
  });
  data.port.unref();
}

interface ResolveContext {
  readonly parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;
type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<unknown> {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('file:')) {
    let url: string | undefined;
    try {
      url = new URL(specifier, context.parentURL).href;
    } catch {
      url = undefined;
    }
    if (url !== undefined && isVirtual(url)) return { url, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url: string, context: unknown, next: NextLoad): Promise<unknown> {
  if (!isVirtual(url)) return next(url, context);
  let source = sources.get(url);
  if (source === undefined) source = await new Promise<string>((r) => waiting.set(url, r));
  sources.delete(url);
  return { format: 'module', source, shortCircuit: true };
}
