import { parsePipelineSpec, type PipelineSpec } from './pipelines.js';

/**
 * A typed way to declare a pipeline in code (CodeFeedr's PipelineBuilder): stages are Dirk jobs, topics are
 * the Kafka buffers between them. `build()` returns the same document a pipeline file holds, checked the
 * same way; `dirk pipeline up` or POST /api/pipelines brings it up.
 *
 *   const spec = new PipelineBuilder('orders')
 *     .topic('orders-clean', { partitions: 3 })
 *     .stage('ingest', ingestJob)
 *     .stage('aggregate', aggregateJob)
 *     .build();
 */
export class PipelineBuilder {
  private readonly topics: { name: string; partitions?: number }[] = [];
  private readonly stages: { name: string; config: Record<string, unknown> }[] = [];
  private brokers: string | undefined;

  constructor(private readonly name: string) {}

  /** Bootstrap servers used to create the pipeline's topics. */
  withBrokers(brokers: string): this {
    this.brokers = brokers;
    return this;
  }

  topic(name: string, options: { partitions?: number } = {}): this {
    this.topics.push({ name, ...(options.partitions !== undefined ? { partitions: options.partitions } : {}) });
    return this;
  }

  /** A stage: a job config in Dagger keys. Its STREAMS topics are its inputs, its Kafka sink topic its output. */
  stage(name: string, config: Record<string, unknown>): this {
    this.stages.push({ name, config });
    return this;
  }

  build(): PipelineSpec {
    return parsePipelineSpec({
      name: this.name,
      ...(this.brokers ? { brokers: this.brokers } : {}),
      topics: this.topics,
      stages: this.stages,
    });
  }
}
