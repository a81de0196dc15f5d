import { describe, expect, it } from 'vitest';
import { Issues } from '../../../src/config/config-errors.js';
import { JOB_KEYS } from '../../../src/config/defaults.js';
import { Section } from '../../../src/config/reader.js';
import { readJobKey, specProblems } from '../../../src/config/spec.js';

/** Config keys are typed once, in defaults.ts, and read through that spec (src/config/spec.ts). */
describe('config key spec', () => {
  it('every typed default satisfies its own type, range and values', () => {
    expect(specProblems()).toEqual([]);
  });

  it('reads a key by its spec: type, range, allowed values and default', () => {
    const issues = new Issues();
    const s = new Section({ FLINK_PARALLELISM: '4', UDF_ERROR_POLICY: 'fail', UDF_WATCH: 'true' }, '', issues);
    expect(readJobKey(s, 'FLINK_PARALLELISM')).toBe(4);
    expect(readJobKey(s, 'UDF_ERROR_POLICY')).toBe('FAIL');
    expect(readJobKey(s, 'UDF_WATCH')).toBe(true);
    expect(readJobKey(s, 'METRICS_PORT')).toBe(JOB_KEYS.METRICS_PORT.default);
    expect(readJobKey(s, 'UDF_FOLDERS')).toEqual([]);
    expect(issues.errors).toEqual([]);
  });

  it('names the key, what the spec expects and what was found, and falls back to the default', () => {
    const issues = new Issues();
    const s = new Section({ METRICS_PORT: 70000, FLINK_PARALLELISM: 0, UDF_STORE_PROVIDER: 'S3' }, '', issues);
    expect(readJobKey(s, 'METRICS_PORT')).toBe(JOB_KEYS.METRICS_PORT.default);
    expect(readJobKey(s, 'FLINK_PARALLELISM')).toBe(JOB_KEYS.FLINK_PARALLELISM.default);
    expect(readJobKey(s, 'UDF_STORE_PROVIDER')).toBe(JOB_KEYS.UDF_STORE_PROVIDER.default);
    expect(issues.errors.map((e) => e.message)).toEqual([
      'config METRICS_PORT: expected an integer from 0 to 65535, found number 70000',
      'config FLINK_PARALLELISM: expected an integer >= 1, found number 0',
      'config UDF_STORE_PROVIDER: expected one of GCS, OSS, COS, found "S3" (did you mean OSS?)',
    ]);
  });
});
