import { getHeapSpaceStatistics } from 'node:v8';

/**
 * An opt-in periodic memory log (DIRK_MEMORY_LOG_MS=<ms>): one JSON line on stderr per period with the
 * process's memory (rss, heapTotal, heapUsed, external, arrayBuffers) and V8's heap spaces (new, old, code,
 * large objects ...), in MB, and a last line with the peak of each. It is for finding what makes up a job's
 * peak RSS (the benchmarks compare it with Flink's); it is off unless the variable is set, since each line
 * costs a heap-space walk.
 */
export interface MemoryLog {
  stop(): void;
}

const MB = 1024 * 1024;
const mb = (n: number): number => Math.round((n / MB) * 10) / 10;

/** The period from DIRK_MEMORY_LOG_MS, or undefined when unset, empty or not a positive number. */
export function memoryLogPeriod(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.DIRK_MEMORY_LOG_MS?.trim();
  if (!raw) return undefined;
  const ms = Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** One sample: process.memoryUsage() and the used/committed size of each V8 heap space, in MB. */
export function memorySample(): Record<string, number> {
  const m = process.memoryUsage();
  const out: Record<string, number> = { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
  for (const s of getHeapSpaceStatistics()) {
    const name = s.space_name.replace(/_space$/, '');
    out[`${name}.size`] = mb(s.space_size);
    out[`${name}.used`] = mb(s.space_used_size);
  }
  return out;
}

export function startMemoryLog(everyMs: number, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`), label = 'dirk-memory'): MemoryLog {
  const t0 = performance.now();
  const peak: Record<string, number> = {};
  let peakRssAtS = 0;
  const sample = (): void => {
    const s = memorySample();
    const at = Math.round(performance.now() - t0) / 1000;
    if ((s.rss ?? 0) > (peak.rss ?? 0)) peakRssAtS = at;
    for (const [k, v] of Object.entries(s)) peak[k] = Math.max(peak[k] ?? 0, v);
    write(`[${label}] ${JSON.stringify({ t: at, ...s })}`);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      sample();
      write(`[${label}] ${JSON.stringify({ peak: true, peakRssAt: peakRssAtS, ...peak })}`);
    },
  };
}
