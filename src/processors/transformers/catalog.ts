import { closest, userError } from '../../core/errors.js';
import type { TransformerDef } from './api.js';
import { ClearColumnTransformer } from './clear-column/clear-column.js';
import { DeDuplicationTransformer } from './deduplication/deduplication.js';
import { FeatureTransformer, FeatureWithTypeTransformer } from './feature/feature.js';
import { HashTransformer } from './hash/hash.js';
import { InvalidRecordFilterTransformer } from './invalid-record-filter/invalid-record-filter.js';
import { SQLTransformer } from './sql/sql-transformer.js';

/** Dagger's seven, in the order of its reference page. */
export const builtinTransformers: readonly TransformerDef[] = [
  ClearColumnTransformer,
  DeDuplicationTransformer,
  FeatureTransformer,
  FeatureWithTypeTransformer,
  HashTransformer,
  InvalidRecordFilterTransformer,
  SQLTransformer,
] as readonly TransformerDef[];

/**
 * The Java packages Dagger's transformers have lived in (goto, odpf, raystack). A `transformation_class` of
 * one of them followed by a known simple name is that transformer; Dirk's short names are the simple names.
 */
export const DAGGER_TRANSFORMER_PACKAGES = [
  'com.gotocompany.dagger.functions.transformers.',
  'io.odpf.dagger.functions.transformers.',
  'org.raystack.dagger.functions.transformers.',
] as const;

/** Lookup of `transformation_class` values: built-ins first, then the job's TRANSFORMER_FOLDERS. */
export interface TransformerCatalog {
  /** The transformer a `transformation_class` names, or a user error saying which names exist. */
  resolve(className: unknown, path: string): TransformerDef;
  values(): readonly TransformerDef[];
  /** Where a transformer comes from (`built-in` or the file it was loaded from). */
  originOf(def: TransformerDef): string;
  with(defs: readonly TransformerDef[], origin: (def: TransformerDef) => string): TransformerCatalog;
}

export function createTransformerCatalog(defs: readonly TransformerDef[] = builtinTransformers, origins = new Map<TransformerDef, string>()): TransformerCatalog {
  const byName = new Map<string, TransformerDef>();
  for (const d of defs) {
    const key = d.name.toLowerCase();
    const seen = byName.get(key);
    if (seen && seen !== d) throw userError(`transformer ${d.name} is defined twice: in ${origins.get(seen) ?? 'built-in'} and in ${origins.get(d) ?? 'built-in'}`);
    byName.set(key, d);
  }
  const names = defs.map((d) => d.name);
  return {
    resolve(className, path) {
      if (typeof className !== 'string' || className.trim() === '') {
        throw userError(`${path}.transformation_class: expected a transformer name (${names.join(', ')}) or Dagger's Java class name, found ${JSON.stringify(className) ?? 'nothing'}`);
      }
      const pkg = DAGGER_TRANSFORMER_PACKAGES.find((p) => className.startsWith(p));
      const simple = pkg ? className.slice(pkg.length) : className;
      const found = byName.get(simple.toLowerCase());
      if (found) return found;
      const last = className.split('.').pop()!;
      const guess = byName.get(last.toLowerCase())?.name ?? closest(last, names);
      const custom = className.includes('.') && !pkg ? '; a custom Java transformer class cannot run in Dirk: write it in TypeScript with defineTransformer in a TRANSFORMER_FOLDERS folder' : '';
      throw userError(`${path}.transformation_class: unknown transformer "${className}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${names.join(', ')}${custom}`);
    },
    values: () => defs,
    originOf: (d) => origins.get(d) ?? 'built-in',
    with(more, origin) {
      const o = new Map(origins);
      for (const d of more) o.set(d, origin(d));
      return createTransformerCatalog([...defs, ...more], o);
    },
  };
}
