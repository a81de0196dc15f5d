import { JOB_KEYS, STREAM_KEYS, type KeySpec } from './defaults.js';
import type { Section } from './reader.js';
import { readBySpec, type KeyValue, type TypedKeys } from './read-key.js';

/**
 * Reads config keys through their spec in defaults.ts: the key's type, range, allowed values and default are
 * stated once there, and the value's TypeScript type follows from them, so a call site names only the key.
 * Problems are recorded on the section (key, expected, found), and the default is used so parsing goes on.
 */

type Spec = KeySpec & { readonly type: string };

export type { KeyValue } from './read-key.js';

export type TypedJobKey = TypedKeys<typeof JOB_KEYS>;
export type TypedStreamKey = TypedKeys<typeof STREAM_KEYS>;

/** A job-level key (top of the config), read as its spec says. */
export function readJobKey<K extends TypedJobKey>(s: Section, key: K): KeyValue<(typeof JOB_KEYS)[K]> {
  return readBySpec(s, key, JOB_KEYS[key] as Spec) as KeyValue<(typeof JOB_KEYS)[K]>;
}

/** A key of one stream object (STREAMS[i]), read as its spec says. */
export function readStreamKey<K extends TypedStreamKey>(s: Section, key: K): KeyValue<(typeof STREAM_KEYS)[K]> {
  return readBySpec(s, key, STREAM_KEYS[key] as Spec) as KeyValue<(typeof STREAM_KEYS)[K]>;
}

/** The default a spec states, for code that falls back to it after its own checks. */
export function jobKeyDefault<K extends TypedJobKey>(key: K): (typeof JOB_KEYS)[K] extends { readonly default: infer D } ? D : undefined {
  return (JOB_KEYS[key] as KeySpec).default as never;
}

/** Problems with the spec itself: a default that its own type, range or values reject (checked by a test). */
export function specProblems(): string[] {
  const out: string[] = [];
  const check = (table: Readonly<Record<string, KeySpec>>): void => {
    for (const [key, spec] of Object.entries(table)) {
      if (spec.type === undefined || spec.default === undefined) continue;
      const d = spec.default;
      const bad = (why: string): number => out.push(`${key}: default ${JSON.stringify(d)} ${why}`);
      if (spec.type === 'int') {
        if (typeof d !== 'number' || !Number.isSafeInteger(d)) bad('is not an integer');
        else if ((spec.min !== undefined && d < spec.min) || (spec.max !== undefined && d > spec.max)) bad('is out of range');
      } else if (spec.type === 'bool' && typeof d !== 'boolean') bad('is not a boolean');
      else if (spec.type === 'enum' && !(spec.values ?? []).includes(d as string)) bad(`is not one of ${(spec.values ?? []).join(', ')}`);
      else if (spec.type === 'list' && !Array.isArray(d)) bad('is not a list');
      else if ((spec.type === 'string' || spec.type === 'text') && typeof d !== 'string') bad('is not a string');
    }
  };
  check(JOB_KEYS);
  check(STREAM_KEYS);
  return out;
}
