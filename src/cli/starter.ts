/**
 * The starter job `dirk init <folder>` writes: a JSON-lines file of taxi rides, a one-minute TUMBLE window per
 * city and fare band, a TypeScript UDF (FareBand), and a golden test of the query. examples/starter is this
 * template written out (test/cli/init.test.ts keeps the two equal), so CI runs what users get.
 */
export interface StarterOptions {
  /** `$schema` of job.json: where the job JSON Schema is, seen from the new folder. */
  readonly schemaPath: string;
}

const T = '2026-01-01T09:0';

const RIDES = [
  { ride_id: 'r1', city: 'jakarta', fare: 12.5, event_time: `${T}0:05Z` },
  { ride_id: 'r2', city: 'jakarta', fare: 48, event_time: `${T}0:20Z` },
  { ride_id: 'r3', city: 'bandung', fare: 7.25, event_time: `${T}0:41Z` },
  { ride_id: 'r4', city: 'jakarta', fare: 9, event_time: `${T}0:59Z` },
  { ride_id: 'r5', city: 'bandung', fare: 61, event_time: `${T}1:10Z` },
  { ride_id: 'r6', city: 'jakarta', fare: 15, event_time: `${T}1:30Z` },
  { ride_id: 'r7', city: 'jakarta', fare: 22, event_time: `${T}0:50Z` },
  { ride_id: 'r8', city: 'bandung', fare: 8.5, event_time: `${T}2:15Z` },
];

const JSON_SCHEMA = {
  type: 'object',
  properties: {
    ride_id: { type: 'string' },
    city: { type: 'string' },
    fare: { type: 'number' },
    event_time: { type: 'string', format: 'date-time' },
  },
};

const QUERY = [
  'SELECT city AS tag_city, FareBand(fare) AS fare_band, COUNT(1) AS rides, ROUND(SUM(fare), 2) AS revenue,',
  "  TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_timestamp",
  'FROM rides',
  "GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), city, FareBand(fare)",
].join('\n');

function jobJson(opts: StarterOptions): string {
  const job = {
    $schema: opts.schemaPath,
    FLINK_JOB_ID: 'starter-rides',
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 'rides',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: JSON_SCHEMA,
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_time',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'FILE_SOURCE' }],
        SOURCE_FILE_PATH: 'data/rides.jsonl',
        SOURCE_FILE_FORMAT: 'JSONL',
      },
    ],
    FLINK_ROWTIME_ATTRIBUTE_NAME: 'rowtime',
    FLINK_WATERMARK_DELAY_MS: '5000',
    FLINK_SQL_QUERY: QUERY,
    UDF_FOLDERS: 'udfs',
    SINK_TYPE: 'log',
    METRIC_TELEMETRY_ENABLE: 'false',
  };
  return `${JSON.stringify(job, null, 2)}\n`;
}

const UDF = `import { defineScalar } from 'dirk/udf';

/** A ride's fare band: 'low' under 10, 'mid' under 40, else 'high'; NULL stays NULL. */
export const FareBand = defineScalar({
  name: 'FareBand',
  signatures: [{ params: ['DOUBLE'], returns: 'STRING' }],
  eval: (fare) => (fare === null ? null : fare < 10 ? 'low' : fare < 40 ? 'mid' : 'high'),
  examples: [
    { args: [7.5], result: 'low' },
    { args: [40], result: 'high' },
  ],
});
`;

const TEST = `# A golden test of job.json's query: run it with \`dirk test tests\` from this folder.
# Input rows go to the job's table; 'watermark <time>' moves event time on. The expected output is the
# changelog (+I inserts; -U/+U updates) that the query emits; \`dirk test tests --update\` rewrites it.
job ../job.json
---- input rides
{"ride_id": "a", "city": "jakarta", "fare": 12.5, "event_time": "2026-01-01T09:00:05Z"}
{"ride_id": "b", "city": "jakarta", "fare": 15, "event_time": "2026-01-01T09:00:30Z"}
{"ride_id": "c", "city": "jakarta", "fare": 8, "event_time": "2026-01-01T09:00:50Z"}
watermark 2026-01-01 09:01:00
{"ride_id": "d", "city": "bandung", "fare": 55, "event_time": "2026-01-01T09:01:10Z"}
---- output unordered
+I[jakarta, mid, 2, 27.5, 2026-01-01 09:01:00]
+I[jakarta, low, 1, 8.0, 2026-01-01 09:01:00]
+I[bandung, high, 1, 55.0, 2026-01-01 09:02:00]
`;

const README = `# starter-rides

A Dirk job made by \`dirk init\`: taxi rides from a JSON-lines file, counted per city and fare band in
one-minute windows; FareBand is a TypeScript function in udfs/.

    dirk validate job.json     # config, UDFs and SQL checked
    dirk run job.json          # prints each window to the log sink, ends when the file is read
    dirk test tests            # the golden test in tests/ (no broker needed)

Run these from this folder: paths in job.json are relative to the working directory. To read Kafka
instead, replace SOURCE_DETAILS and SOURCE_FILE_* with SOURCE_KAFKA_* keys (see docs/configuration.md).
`;

/** File path (relative to the new folder) -> content. */
export function starterFiles(opts: StarterOptions): ReadonlyMap<string, string> {
  return new Map([
    ['job.json', jobJson(opts)],
    ['data/rides.jsonl', `${RIDES.map((r) => JSON.stringify(r)).join('\n')}\n`],
    ['udfs/fare-band.ts', UDF],
    ['tests/fare-bands.sql', TEST],
    ['README.md', README],
  ]);
}
