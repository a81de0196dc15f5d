/** Builds the HTTP sink for the job (createSink in src/job/stream-manager.ts calls this). */
import type { Logger } from '../../core/logger.js';
import type { Sink } from '../../core/connector.js';
import type { Field } from '../../core/types.js';
import { createKafkaClient } from '../kafka/kafka-client.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { HttpSinkConfig } from './config.js';
import { createHttpSink, type DeadLetterProducer } from './http-sink.js';
import { compileUrlTemplate } from './url-template.js';

/** Validate-time checks that need the query's result columns (a placeholder naming no column). */
export function validateHttpSink(config: HttpSinkConfig, columns: readonly Field[]): void {
  compileUrlTemplate(config.url, columns);
}

export function httpSinkFromConfig(config: HttpSinkConfig, name: string, columns: readonly Field[], telemetry: Telemetry, logger: Logger, clientId: string): Sink {
  return createHttpSink({
    name,
    config,
    columns,
    logger,
    metrics: { ...telemetry.sinkMetrics(name), retries: telemetry.sinkRetries(name), deadLettered: telemetry.sinkDeadLettered(name) },
    deadLetterProducer: (brokers) =>
      createKafkaClient({ brokers, clientId, logger }).producer({ idempotent: true, allowAutoTopicCreation: false, retry: { retries: 5 } }) as unknown as DeadLetterProducer,
  });
}
