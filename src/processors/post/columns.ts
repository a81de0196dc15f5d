import type protobuf from 'protobufjs';
import { ConfigError } from '../../core/errors.js';
import { T, type Field, type SqlType } from '../../core/types.js';
import { messageInfos, type DescriptorRegistry } from '../../schema/index.js';
import type { ExternalConfig, InternalConfig } from './config.js';

/**
 * The row layout of the post-processor stages, as Dagger's RowManager: the query's columns (the "input",
 * read by `*_variables` and internal `sql` entries) followed by the output columns (every `output_mapping`
 * key of http, es, pg, grpc in that order, then every internal `output_field`; an internal `*` -> `*`
 * stands for all query columns, which then come last, as in Dagger's ColumnNameManager). The projection
 * stage keeps the output part only.
 */
export interface Layout {
  readonly input: readonly Field[];
  readonly outputs: readonly Field[];
  /** Input followed by outputs: the columns every external and internal stage sees. */
  readonly working: readonly Field[];
  /** Position of an input column by name, or -1. */
  inputIndex(name: string): number;
  /** Position of an output column in the working row. */
  outputIndex(name: string): number;
}

export interface LayoutContext {
  readonly registry: DescriptorRegistry | undefined;
  /** SINK_KAFKA_PROTO_MESSAGE when the sink writes protobuf: the default type responses are cast to. */
  readonly sinkProto: string | undefined;
}

export function buildLayout(input: readonly Field[], external: readonly ExternalConfig[], internal: readonly InternalConfig[], ctx: LayoutContext): Layout {
  const outputs: Field[] = [];
  for (const e of external) {
    const proto = castProto(e, ctx);
    for (const m of e.outputMapping) {
      outputs.push({ name: m.column, type: proto ? protoFieldType(proto, m.column, `${e.path}.output_mapping.${m.column}`, e.type ? `type ${e.type}` : `SINK_KAFKA_PROTO_MESSAGE ${ctx.sinkProto}`) : T.ANY });
    }
  }
  let selectAll = false;
  for (const i of internal) {
    if (i.outputField === '*') {
      selectAll = true;
      continue;
    }
    outputs.push({ name: i.outputField, type: internalType(i, input, ctx) });
  }
  if (selectAll) for (const f of input) if (!outputs.some((o) => o.name === f.name)) outputs.push({ name: f.name, type: f.type });
  const working = [...input, ...outputs];
  const n = input.length;
  return {
    input,
    outputs,
    working,
    inputIndex: (name) => input.findIndex((f) => f.name === name),
    outputIndex: (name) => {
      const i = outputs.findIndex((f) => f.name === name);
      if (i < 0) throw new Error(`internal error: no output column ${name}`);
      return n + i;
    },
  };
}

/** The proto responses are cast to: `type`, else the sink's, unless retain_response_type keeps the raw value. */
function castProto(e: ExternalConfig, ctx: LayoutContext): protobuf.Type | undefined {
  const name = e.type ?? (e.retainResponseType ? undefined : ctx.sinkProto);
  if (!name) return undefined;
  if (!ctx.registry) {
    throw new ConfigError(`${e.path}.type`, 'a proto class of the job\'s descriptors (the job has none: set SCHEMA_REGISTRY_STENCIL_URLS or the proto folders)', name);
  }
  try {
    return ctx.registry.lookupType(name);
  } catch (err) {
    throw new ConfigError(`${e.path}.type`, 'a proto class of the job\'s descriptors', name, (err as Error).message);
  }
}

/** Type of a (dotted) field of a message: `customer.name` walks into the `customer` message. */
export function protoFieldType(type: protobuf.Type, column: string, path: string, what: string): SqlType {
  let current: protobuf.Type = type;
  const parts = column.split('.');
  for (let i = 0; i < parts.length; i++) {
    const info = messageInfos(current).find((f) => f.name === parts[i]);
    if (!info) {
      throw new ConfigError(path, `an output column that is a field of ${what}`, column, `${current.name} has no field ${parts[i]}; its fields are ${messageInfos(current).map((f) => f.name).join(', ')}`);
    }
    if (i === parts.length - 1) return info.sqlType;
    if (info.shape.k !== 'message' || info.card !== 'single') throw new ConfigError(path, `a dotted path through message fields of ${what}`, column, `${parts[i]} is not a message`);
    current = info.shape.type;
  }
  return T.ANY;
}

function internalType(i: InternalConfig, input: readonly Field[], ctx: LayoutContext): SqlType {
  switch (i.kind) {
    case 'sql': {
      if (i.value === '*') return T.row(input.map((f) => ({ name: f.name, type: f.type })));
      const f = input.find((x) => x.name === i.value);
      if (!f) throw new ConfigError(`${i.path}.value`, `a column of the query (${input.map((x) => x.name).join(', ')}) or *`, i.value);
      return f.type;
    }
    case 'constant': {
      // Typed as the sink proto's field when there is one (the constant is cast once), else text.
      if (ctx.sinkProto && ctx.registry?.hasMessage(ctx.sinkProto)) {
        const info = messageInfos(ctx.registry.lookupType(ctx.sinkProto)).find((f) => f.name === i.outputField);
        if (info) return info.sqlType;
      }
      return T.STRING;
    }
    case 'function':
      return i.fn === 'CURRENT_TIMESTAMP' ? T.TIMESTAMP : T.STRING;
  }
}
