/**
 * Avro with a Confluent-compatible schema registry: the codec of INPUT_DATATYPE=AVRO (Kafka sources) and
 * SINK_KAFKA_DATA_TYPE=AVRO (the Kafka sink). Not a connector of its own: the Kafka connector uses it for
 * record values, and src/job/prepare.ts builds AVRO tables from the registry's schemas. The registry API is
 * served by `dirk registry serve` (src/schema/confluent-registry.ts). See docs/schemas.md.
 */
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';

export { RegistryClient, type SubjectSchema } from './registry-client.js';
export { aliasAvroTable, avroTableSchema, createAvroRowDecoder, createAvroRowEncoder, checkAvroColumns, MAGIC_BYTE, type AvroDecoder } from './avro-codec.js';
export { schemaForColumns, avroType } from './avro-types.js';

/** A client for the job's SCHEMA_REGISTRY_CONFLUENT_URL / _BEARER_AUTH_TOKEN. */
export function avroRegistryClient(c: { readonly url: string; readonly token?: string | undefined }, options: Omit<RegistryClientOptions, 'url' | 'token'> = {}): RegistryClient {
  return new RegistryClient({ url: c.url, token: c.token, ...options });
}
