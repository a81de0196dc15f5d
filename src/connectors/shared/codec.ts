/**
 * What sources need from src/schema, declared structurally so a source compiles against the contract
 * rather than a particular codec (src/schema's RowDecoder has the same shape).
 */
import type { Row } from '../../core/types.js';
import type { KafkaCompressionType } from '../../config/index.js';

export interface RowDecoder {
  /** Throws DecodeError on bytes that are not a valid record. */
  decode(bytes: Uint8Array): Row;
  /**
   * When present, the Kafka source awaits it before decoding a fetched batch (with the records' values):
   * an Avro decoder fetches writer schemas it has not seen. Undefined when there is nothing to wait for.
   */
  prepare?(values: readonly (Uint8Array | null)[]): Promise<void> | undefined;
}

/** What happens to a record that cannot be decoded (SOURCE_BAD_RECORD_POLICY). */
export interface BadRecordPolicy {
  readonly mode: 'FAIL' | 'SKIP' | 'DEAD_LETTER';
  /** Kafka sources: the topic that receives the original bytes with dirk-* error headers. */
  readonly deadLetterTopic?: string;
  /** Brokers of the dead-letter topic; default the source's own. */
  readonly deadLetterBrokers?: readonly string[];
  /** SOURCE_DEAD_LETTER_COMPRESSION_TYPE: Kafka's compression.type of the dead-letter records. */
  readonly compression?: KafkaCompressionType;
}
