import { createRequire } from 'node:module';
import { registerKafkajsCodecs } from './compression.js';
import { decodeMessages, LeanBatch } from './fetch-decoder.js';
import { frameRequest } from './request-frame.js';

/**
 * The one place Dirk loads kafkajs. Before loading it, this module replaces kafkajs 2.2.4's
 * producer/groupMessagesPerPartition with a linear version: the original copies the partition's array for
 * every message (`[...current, message]`), so one send of n records costs O(n^2) and dominated the
 * Kafka sink's CPU profile (about half of it for 5,000-record sends). Same inputs, same output
 * object; only the copying is gone. It also fills kafkajs's codec table with snappy, lz4 and zstd
 * (compression.ts), replaces the consume path's record-batch decoder and consumer batch (fetch-decoder.ts), and
 * frames every request into one buffer of its exact size (request-frame.ts).
 */
const require = createRequire(import.meta.url);
const target = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: Partitioner;
}): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/** Seeds the module cache so kafkajs's own `require` of `file` gets `exports` instead of its code. */
function replaceModule(file: string, exports: unknown): boolean {
  const path = require.resolve(file);
  if (!require.cache[path]) {
    const mod = new (require('node:module') as { Module: new (id: string) => NodeJS.Module }).Module(path);
    mod.filename = path;
    mod.loaded = true;
    mod.exports = exports;
    require.cache[path] = mod;
  }
  return require.cache[path]?.exports === exports;
}
replaceModule(target, groupMessagesPerPartition);
// The consume path (fetch-decoder.ts): record batches decoded with numeric offsets and lazy headers, and the
// consumer's per-partition batch comparing offsets as numbers. Same message and batch shapes as kafkajs's.
export const consumePathPatched =
  replaceModule('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js', decodeMessages) && replaceModule('kafkajs/src/consumer/batch.js', LeanBatch);
export const groupingPatched = require.cache[target]?.exports === groupMessagesPerPartition;
// Every request framed into one buffer of its exact size (request-frame.ts), not three of the next power of two.
export const framingPatched = replaceModule('kafkajs/src/protocol/request.js', frameRequest);

const kafkajs = require('kafkajs') as typeof import('kafkajs');
// snappy, lz4 and zstd beside kafkajs's gzip, for its consumer and producer (compression.ts).
registerKafkajsCodecs(kafkajs.CompressionCodecs as unknown as Parameters<typeof registerKafkajsCodecs>[0]);
export default kafkajs;

/**
 * The kafkajs internals the record-batch producer (batch-producer.ts) uses: the Produce
 * v3 response decoder, protocol errors by code, and the client's cluster (broker connections with their
 * TLS/SASL set-up, metadata). kafkajs 2.2.4 is pinned in package.json; a test sends through them.
 */
export interface ProduceV3Partition {
  partition: number;
  errorCode: number;
  baseOffset: string;
}
export interface KafkajsInternals {
  produceV3Response: { decode(raw: Buffer): Promise<{ topics: Array<{ topicName: string; partitions: ProduceV3Partition[] }> }>; parse(d: unknown): Promise<unknown> };
  produceV7Response: KafkajsInternals['produceV3Response'];
  createErrorFromCode(code: number): Error & { retriable?: boolean; type?: string };
}
export const kafkajsInternals: KafkajsInternals = {
  produceV3Response: require('kafkajs/src/protocol/requests/produce/v3/response') as KafkajsInternals['produceV3Response'],
  produceV7Response: require('kafkajs/src/protocol/requests/produce/v7/response') as KafkajsInternals['produceV7Response'],
  createErrorFromCode: (require('kafkajs/src/protocol/error') as Pick<KafkajsInternals, 'createErrorFromCode'>).createErrorFromCode,
};
