import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBoundedJob } from '../../helpers/inprocess-job.js';

/**
 * Dagger's Python UDF job shape: PYTHON_UDF_ENABLE with PYTHON_FILES holding a .py file and a .zip, written
 * against PyFlink's API exactly as Dagger's examples are (`@udf(result_type=DataTypes...)`), run by python3
 * workers. A function that raises follows UDF_ERROR_POLICY.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-pyudf-'));
writeFileSync(
  join(dir, 'sample.py'),
  `from pyflink.table import DataTypes
from pyflink.table.udf import udf


@udf(result_type=DataTypes.STRING())
def sample(text):
    return text + "_added_text"
`,
);
// A zip as Dagger packs them: udfs/scalar/<name>.py, each registered as <NAME>.
const zipSrc = join(dir, 'zipsrc');
mkdirSync(join(zipSrc, 'udfs', 'scalar'), { recursive: true });
writeFileSync(join(zipSrc, 'udfs', '__init__.py'), '');
writeFileSync(join(zipSrc, 'udfs', 'scalar', '__init__.py'), '');
writeFileSync(
  join(zipSrc, 'udfs', 'scalar', 'multiply.py'),
  `from pyflink.table import DataTypes
from pyflink.table.udf import udf


@udf(result_type=DataTypes.FLOAT())
def multiply(i, j):
    return i * j
`,
);
writeFileSync(
  join(zipSrc, 'udfs', 'scalar', 'shout.py'),
  `from pyflink.table import DataTypes
from pyflink.table.udf import udf, ScalarFunction


class Shout(ScalarFunction):
    def open(self, function_context):
        self.suffix = "!"

    def eval(self, s):
        if s == "boom":
            raise ValueError("no booms")
        return s.upper() + self.suffix


shout = udf(Shout(), result_type=DataTypes.STRING())
`,
);
const zip = join(dir, 'python_udfs.zip');
const z = spawnSync('python3', ['-c', `import shutil; shutil.make_archive(${JSON.stringify(zip.slice(0, -4))}, 'zip', ${JSON.stringify(zipSrc)})`]);
if (z.status !== 0) throw new Error(`zip: ${z.stderr.toString()}`);
const input = join(dir, 'in.jsonl');
writeFileSync(input, ['{"name":"a","x":2,"y":3,"ts":1}', '{"name":"boom","x":1.5,"y":4,"ts":2}', '{"name":"c","x":-1,"y":0.5,"ts":3}'].join('\n') + '\n');

const job = (extra: Record<string, unknown>): Record<string, unknown> => ({
  STREAMS: [
    {
      INPUT_SCHEMA_TABLE: 't',
      INPUT_DATATYPE: 'JSON',
      INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties: { name: { type: 'string' }, x: { type: 'number' }, y: { type: 'number' }, ts: { type: 'integer' } } },
      INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
      SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
      SOURCE_FILE_PATH: input,
      SOURCE_FILE_FORMAT: 'JSONL',
    },
  ],
  FLINK_SQL_QUERY: 'SELECT SAMPLE(name) AS s, MULTIPLY(x, y) AS m, SHOUT(name) AS u FROM t',
  SINK_TYPE: 'log',
  METRIC_TELEMETRY_ENABLE: 'false',
  PYTHON_UDF_ENABLE: 'true',
  PYTHON_UDF_CONFIG: JSON.stringify({ PYTHON_FILES: `${join(dir, 'sample.py')},${zip}`, PYTHON_FN_EXECUTION_ARROW_BATCH_SIZE: 2 }),
  ...extra,
});

describe('Python UDFs', () => {
  it('runs Dagger-style PyFlink UDF files in python3 workers, batched, errors by UDF_ERROR_POLICY', { timeout: 60_000 }, async () => {
    const { lines } = await runBoundedJob(job({}));
    const text = lines.join('\n');
    expect(lines.length).toBe(3);
    // The log sink leaves NULL columns out: SHOUT raised for "boom" and gave NULL (UDF_ERROR_POLICY=NULL).
    expect(lines).toEqual(['+I {s=a_added_text, m=6, u=A!}', '+I {s=boom_added_text, m=6}', '+I {s=c_added_text, m=-0.5, u=C!}']);
    await expect(runBoundedJob(job({ UDF_ERROR_POLICY: 'FAIL' }))).rejects.toThrow(/SHOUT.*no booms|no booms/);
  });

  it('names what is wrong with PYTHON_FILES', { timeout: 30_000 }, async () => {
    writeFileSync(join(dir, 'broken.py'), 'def broken(x):\n    return x\n');
    await expect(runBoundedJob(job({ PYTHON_UDF_CONFIG: JSON.stringify({ PYTHON_FILES: join(dir, 'broken.py') }) }))).rejects.toThrow(
      /PYTHON_UDF_CONFIG: PYTHON_FILES did not load: RuntimeError: broken\.broken is not decorated with @udf/,
    );
    await expect(runBoundedJob(job({ PYTHON_UDF_CONFIG: JSON.stringify({ PYTHON_FILES: 'gs://bucket/x.py' }) }))).rejects.toThrow(/local \.py or \.zip files/);
  });
});
