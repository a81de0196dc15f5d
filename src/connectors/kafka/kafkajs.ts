import { createRequire } from 'node:module';

/**
 * The one place Dirk loads kafkajs. Before loading it, this module replaces kafkajs 2.2.4's
 * producer/groupMessagesPerPartition with a linear version: the original copies the partition's array for
 * every message (`[...current, message]`), so one send of n records costs O(n^2) and dominated the
 * Kafka sink's CPU profile (about half of it for 5,000-record sends). Same inputs, same output
 * object; only the copying is gone. Everything else of kafkajs is untouched.
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

if (!require.cache[target]) {
  // Seed the module cache so kafkajs's own `require` of this file gets the linear version.
  const mod = new (require('node:module') as { Module: new (id: string) => NodeJS.Module }).Module(target);
  mod.filename = target;
  mod.loaded = true;
  mod.exports = groupMessagesPerPartition;
  require.cache[target] = mod;
}
export const groupingPatched = require.cache[target]?.exports === groupMessagesPerPartition;

const kafkajs = require('kafkajs') as typeof import('kafkajs');
export default kafkajs;
