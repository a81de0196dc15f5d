export * from './catalogue.js';
export * from './telemetry.js';
export * from './metrics-server.js';
