// Apache Kafka's own Java client, run from the broker's jars (.cache/kafka/libs) as single-file Java
// programs in test/fixtures/java: the reference producer and consumer for tests of Dirk's wire formats.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaBootstrap } from './kafka.js';
import { REPO_ROOT } from './process.js';

const LIBS = join(REPO_ROOT, '.cache', 'kafka', 'libs', '*');
const JAVA = join(REPO_ROOT, 'test', 'fixtures', 'java');

const b64 = (b: Buffer | null | undefined): string => (b === null || b === undefined ? '-' : b.toString('base64'));

/** Writes the records in order with the Java producer (acks=all, linger 50 ms) and `compression.type`. */
export async function javaProduce(topic: string, records: ReadonlyArray<{ key: Buffer | null; value: Buffer }>, compression: string): Promise<void> {
  const child = spawn('java', ['-cp', LIBS, join(JAVA, 'ProduceTopic.java'), kafkaBootstrap(), topic, compression], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(records.map((r) => `${b64(r.key)} ${b64(r.value)}\n`).join(''));
  const code = await exited;
  if (code !== 0) throw new Error(`ProduceTopic.java exited ${code}: ${stderr.slice(-2000)}`);
}

export interface JavaRecord {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Reads `n` records from the beginning with the Java consumer (check.crcs on); fewer if 90 s pass first. */
export async function javaRead(topic: string, n: number): Promise<JavaRecord[]> {
  const { stdout } = await promisify(execFile)('java', ['-cp', LIBS, join(JAVA, 'ReadTopic.java'), kafkaBootstrap(), topic, String(n)], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [partition, offset, timestamp, key, value] = l.split(' ');
      const buf = (s: string | undefined): Buffer | null => (s === undefined || s === '-' ? null : Buffer.from(s, 'base64'));
      return { partition: Number(partition), offset: Number(offset), timestamp: Number(timestamp), key: buf(key), value: buf(value) };
    });
}
