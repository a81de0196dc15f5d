import type { FunctionDef } from './api.js';

/**
 * Where each def came from; the loader records the file of every def it loads. Its own module because both
 * the catalog (registry.ts) and the hot-reload slots (slots.ts) read it, and the catalog imports the slots.
 */
const defOrigins = new WeakMap<FunctionDef, string>();

export function setOrigin(def: FunctionDef, origin: string): void {
  defOrigins.set(def, origin);
}

export function originOf(def: FunctionDef): string | undefined {
  return defOrigins.get(def);
}
