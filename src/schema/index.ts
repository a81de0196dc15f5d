/**
 * The schema module: descriptor registries (local .proto files, Stencil-style HTTP), protobuf and JSON
 * row codecs, and the proto/JSON -> SQL type mapping. See docs/schemas.md.
 */
export {
  buildDescriptorSet,
  loadProtoFiles,
  rootFromDescriptorSet,
  mergeDescriptorSets,
  RootRegistry,
  type DescriptorSource,
  type DescriptorRegistry,
  type RefreshStrategy,
} from './descriptor-registry.js';
export { openDescriptorRegistry, type OpenRegistryOptions } from './open-registry.js';
export { aliasProtoTable, protoTableSchema, messageInfos, type ProtoTableOptions, type FieldInfo } from './proto-types.js';
export {
  createProtoRowDecoder,
  schemaProblems,
  type RowDecoder,
  type ProtoDecoderOptions,
  type SchemaChangeEvent,
  type SchemaProblem,
  type SchemaProblemReason,
} from './proto-decoder.js';
export { createProtoRowEncoder, type RowEncoder } from './proto-encoder.js';
export { startStencilServer, stencilRead, type StencilReply, type StencilServer, type StencilServerOptions } from './stencil-server.js';
export { openStencilRegistry, StencilRegistry, type StencilSource } from './stencil-client.js';
export {
  aliasJsonTable,
  jsonTableSchema,
  createJsonRowDecoder,
  createJsonRowEncoder,
  parseJsonRecord,
  stringifyJson,
  type JsonTableOptions,
  type JsonDecoderOptions,
} from './json-codec.js';
