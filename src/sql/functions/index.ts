import type { FunctionDef } from '../../udf/api.js';
import { builtinAggregates } from './aggregates.js';
import { collectionFunctions } from './collection.js';
import { conditionalFunctions } from './conditional.js';
import { jsonFunctions } from './json.js';
import { mathFunctions } from './math.js';
import { stringFunctions } from './string.js';
import { timeFunctions } from './time.js';

/**
 * Flink SQL's built-in scalar and aggregate functions, declared with the same API as user UDFs. Names are
 * unique (case-insensitively); aliases such as CEIL/CEILING are separate defs sharing one body.
 */
export const builtinFunctions: FunctionDef[] = [
  ...stringFunctions,
  ...mathFunctions,
  ...timeFunctions,
  ...jsonFunctions,
  ...collectionFunctions,
  ...conditionalFunctions,
  ...builtinAggregates,
];
