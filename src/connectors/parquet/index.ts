export { createParquetSource, type ParquetMetrics, type ParquetSourceOptions } from './parquet-source.js';
export { discoverParquetFiles, partitionTime, type ParquetFileSplit } from './file-discovery.js';
export { planParquetMapping, type SchemaMatchStrategy } from './row-mapper.js';
