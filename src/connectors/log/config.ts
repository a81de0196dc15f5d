/** SINK_TYPE=log: no keys of its own. */
import { sinkConfig } from '../../config/connector-spec.js';

export interface LogSinkConfig {
  readonly type: 'log';
}

export const logSinkConfig = sinkConfig({ type: 'log', keys: {}, parse: (): LogSinkConfig => ({ type: 'log' }) });
