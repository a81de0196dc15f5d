import { describeConfigKeys } from '../config/index.js';
import { builtinFunctions } from '../sql/functions/index.js';
import type { FunctionDef } from '../udf/api.js';
import { daggerFunctions } from '../../udfs/index.js';

/**
 * What this installation offers, for the UI and for tools: sources, sinks and processors with their config
 * keys (from the one key table the docs are generated from), and every SQL function with its signatures.
 */
export interface Catalogue {
  readonly sources: readonly { name: string; keys: readonly string[] }[];
  readonly sinks: readonly { name: string; keys: readonly string[] }[];
  readonly processors: readonly { name: string; keys: readonly string[] }[];
  readonly functions: readonly { name: string; kind: string; library: 'built-in' | 'dagger'; signatures: readonly string[]; description?: string }[];
  readonly keys: ReturnType<typeof describeConfigKeys>;
}

const SOURCE_GROUPS: Record<string, string> = { 'Kafka source': 'KAFKA_SOURCE', 'Kafka consumer': 'KAFKA_SOURCE', 'File source': 'FILE_SOURCE', 'Datagen source': 'DATAGEN_SOURCE', 'Parquet source': 'PARQUET_SOURCE' };
const SINK_GROUPS: Record<string, string> = { 'Kafka sink': 'kafka', 'Influx sink': 'influx', 'Log sink': 'log', 'BigQuery sink': 'bigquery' };

export function buildCatalogue(): Catalogue {
  const keys = describeConfigKeys();
  const byGroup = (groups: Record<string, string>): { name: string; keys: string[] }[] => {
    const out = new Map<string, string[]>();
    for (const k of keys) {
      const name = groups[k.group];
      if (name) out.set(name, [...(out.get(name) ?? []), k.key]);
    }
    return [...out].map(([name, ks]) => ({ name, keys: ks }));
  };
  const processors = new Map<string, string[]>();
  for (const k of keys) {
    if (/processor|longbow|transformer/i.test(k.group) || /^PROCESSOR_/.test(k.key)) processors.set(k.group, [...(processors.get(k.group) ?? []), k.key]);
  }
  const fn = (library: 'built-in' | 'dagger') => (f: FunctionDef) => ({
    name: f.name,
    kind: f.kind,
    library,
    signatures: f.signatures.map((s) => `(${s.params.join(', ')}${s.varargs ? '...' : ''}) -> ${typeof s.returns === 'string' ? s.returns : 'depends on the arguments'}`),
    ...(f.description ? { description: f.description } : {}),
  });
  return {
    sources: byGroup(SOURCE_GROUPS),
    sinks: byGroup(SINK_GROUPS),
    processors: [...processors].map(([name, ks]) => ({ name, keys: ks })),
    functions: [...builtinFunctions.map(fn('built-in')), ...daggerFunctions.map(fn('dagger'))].sort((a, b) => a.name.localeCompare(b.name)),
    keys,
  };
}
