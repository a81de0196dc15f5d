/** SINK_TYPE=blackhole: no keys of its own. */
import { sinkConfig } from '../../config/connector-spec.js';

export interface BlackholeSinkConfig {
  readonly type: 'blackhole';
}

export const blackholeSinkConfig = sinkConfig({ type: 'blackhole', keys: {}, parse: (): BlackholeSinkConfig => ({ type: 'blackhole' }) });
