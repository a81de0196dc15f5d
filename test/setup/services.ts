// Addresses of the local services that test/setup/global-setup.ts starts (see docs/infra.md).
// Tests read them through vitest's inject() (or the DIRK_TEST_* environment variables), never hard-code them.

/** DIRK_TEST_KAFKA_PORT runs the integration tests against a broker of one's own (several checkouts on one machine). */
export const KAFKA_PORT = Number(process.env['DIRK_TEST_KAFKA_PORT'] || 9092);
export const KAFKA_BOOTSTRAP = `127.0.0.1:${KAFKA_PORT}`;
export const INFLUX_URL = 'http://127.0.0.1:8086';
export const PROMETHEUS_URL = 'http://127.0.0.1:9090';

declare module 'vitest' {
  export interface ProvidedContext {
    /** "127.0.0.1:9092" */
    kafkaBootstrap: string;
    /** InfluxDB v2-compatible URL (shim over influxd 1.x), or '' when influxd is not installed (never in CI). */
    influxUrl: string;
    /** Prometheus base URL, or '' when prometheus is not installed (never in CI). */
    prometheusUrl: string;
    /** Folder of file_sd target files that the local Prometheus watches, or ''. */
    prometheusTargetsDir: string;
  }
}
