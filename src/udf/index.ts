export * from './api.js';
export {
  createFunctionCatalog,
  createAsyncInvoker,
  instrumentScalar,
  invokeScalar,
  invokeTable,
  makeScalarInvoker,
  originOf,
  runAggregate,
  setOrigin,
  type AsyncInvokerOptions,
  type FunctionCatalog,
  type ResolvedFunction,
  type ScalarHooks,
  type ScalarInvoker,
} from './registry.js';
export { accepts, parseParamType, parseType, paramTypeToString, type ParamType } from './types.js';
export { isFunctionDef, isUdfSourceFile, loadUdfFile, loadUdfFolders, loadUdfModule, watchUdfFolders, type LoadedUdfFile, type UdfChange, type UdfWatcher } from './loader.js';
export { createFunctionSlots, FunctionSlot, slotOf, UdfCallError, type SlotBinding, type UdfErrorPolicy } from './slots.js';
// Transformers are declared next to functions (same package entry, same folder loader).
export {
  defineTransformer,
  isTransformerDef,
  type ArgumentSpec,
  type ArgumentType,
  type FieldSpec,
  type TransformerBuildContext,
  type TransformerContext,
  type TransformerDef,
  type TransformerExample,
  type TransformerPlace,
} from '../processors/transformers/api.js';
