import { describe, expect, it } from 'vitest';
import { memoryLogPeriod, memorySample, startMemoryLog } from '../../../src/core/memory-log.js';

describe('DIRK_MEMORY_LOG_MS', () => {
  it('is off unless set to a positive number', () => {
    expect(memoryLogPeriod({})).toBeUndefined();
    expect(memoryLogPeriod({ DIRK_MEMORY_LOG_MS: '' })).toBeUndefined();
    expect(memoryLogPeriod({ DIRK_MEMORY_LOG_MS: 'often' })).toBeUndefined();
    expect(memoryLogPeriod({ DIRK_MEMORY_LOG_MS: '0' })).toBeUndefined();
    expect(memoryLogPeriod({ DIRK_MEMORY_LOG_MS: ' 250 ' })).toBe(250);
  });

  it('samples the process and the V8 heap spaces in MB', () => {
    const s = memorySample();
    expect(s.rss).toBeGreaterThan(10);
    expect(s.heapUsed).toBeLessThanOrEqual(s.heapTotal!);
    expect(s['old.used']).toBeGreaterThan(0);
    expect(s['new.size']).toBeGreaterThan(0);
  });

  it('writes a line per period and a peak line when stopped', async () => {
    const lines: string[] = [];
    const log = startMemoryLog(10, (l) => lines.push(l));
    await new Promise((r) => setTimeout(r, 60));
    log.stop();
    log.stop(); // a second stop writes nothing more
    const parsed = lines.map((l) => {
      expect(l.startsWith('[dirk-memory] ')).toBe(true);
      return JSON.parse(l.slice('[dirk-memory] '.length)) as Record<string, number | boolean>;
    });
    expect(parsed.length).toBeGreaterThanOrEqual(4);
    const peak = parsed.at(-1)!;
    expect(peak.peak).toBe(true);
    const samples = parsed.slice(0, -1);
    expect(peak.rss).toBe(Math.max(...samples.map((s) => s.rss as number)));
    expect(samples.every((s) => typeof s.t === 'number')).toBe(true);
  });
});
