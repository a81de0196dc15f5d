/**
 * Watermark alignment (src/job/watermark-alignment.ts): an input ahead of its group's slowest by more than its
 * drift is held until the others catch up; idle, finished and not-yet-started inputs never hold a group back;
 * groups are independent; stopping releases everything. The clock is the test's own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WatermarkAlignment, DEFAULT_IDLE_MS, type AlignedInput } from '../../../src/job/watermark-alignment.js';

let clock = 1_000_000;
const now = (): number => clock;
const alignments: WatermarkAlignment[] = [];

function alignment(idleMs = 0): WatermarkAlignment {
  const a = new WatermarkAlignment(idleMs, now);
  alignments.push(a);
  return a;
}

/** Whether `p` has settled by the time the microtasks queued so far have run. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

/** An input 80 s ahead of the only other one of its group, allowed 1 s: held. */
function fastHeldBySlow(a: WatermarkAlignment): { fast: AlignedInput; held: Promise<void> } {
  const fast = a.join({ group: 'g', maxDriftMs: 1_000, watermark: () => 90_000 });
  const slow = a.join({ group: 'g', maxDriftMs: 1_000, watermark: () => 10_000 });
  slow.delivered();
  fast.delivered();
  return { fast, held: fast.hold() };
}

afterEach(() => {
  for (const a of alignments.splice(0)) a.stop();
});

describe('watermark alignment', () => {
  it('holds an input ahead by more than its drift until the slowest catches up', async () => {
    const a = alignment();
    const wm = { fast: 50_000, slow: 10_000 };
    const fast = a.join({ group: 'g', maxDriftMs: 5_000, watermark: () => wm.fast });
    const slow = a.join({ group: 'g', maxDriftMs: 5_000, watermark: () => wm.slow });
    fast.delivered();
    slow.delivered();
    expect(await settled(slow.hold())).toBe(true); // the slowest never waits
    const held = fast.hold();
    expect(await settled(held)).toBe(false);
    wm.slow = 44_000; // still 6 s behind
    clock += 100;
    slow.delivered();
    expect(await settled(held)).toBe(false);
    wm.slow = 45_000; // within 5 s: released
    clock += 100;
    slow.delivered();
    expect(await settled(held)).toBe(true);
    expect([fast.heldMs, fast.heldTimes, slow.heldTimes]).toEqual([200, 1, 0]);
  });

  it('an input within its drift reads on at once', async () => {
    const a = alignment();
    const fast = a.join({ group: 'g', maxDriftMs: 5_000, watermark: () => 15_000 });
    const slow = a.join({ group: 'g', maxDriftMs: 5_000, watermark: () => 10_000 });
    slow.delivered();
    fast.delivered();
    expect(await settled(fast.hold())).toBe(true);
    expect([fast.heldMs, fast.heldTimes]).toEqual([0, 0]);
  });

  it('an input that has not delivered yet, or is at its end, does not hold the group back', async () => {
    const a = alignment();
    const wm = { other: -Infinity };
    const fast = a.join({ group: 'g', maxDriftMs: 1_000, watermark: () => 90_000 });
    a.join({ group: 'g', maxDriftMs: 1_000, watermark: () => wm.other });
    fast.delivered();
    expect(await settled(fast.hold())).toBe(true);
    wm.other = Infinity; // a bounded input read to its end
    expect(await settled(fast.hold())).toBe(true);
  });

  it('a silent input stops holding the group after the idle time (10 s when the job sets none)', async () => {
    const a = alignment();
    const { held } = fastHeldBySlow(a);
    expect(await settled(held)).toBe(false);
    clock += DEFAULT_IDLE_MS; // silent for exactly the idle time: still counted
    a.recheck();
    expect(await settled(held)).toBe(false);
    clock += 1;
    a.recheck();
    expect(await settled(held)).toBe(true);

    // With FLINK_WATERMARK_IDLE_TIMEOUT_MS set, that is the idle time.
    const b = alignment(2_000);
    const { held: held2 } = fastHeldBySlow(b);
    clock += 2_001;
    b.recheck();
    expect(await settled(held2)).toBe(true);
  });

  it('releases a held input on its own timer when the slowest goes idle with nothing else happening', async () => {
    clock = Date.now();
    const a = new WatermarkAlignment(300); // the real clock
    alignments.push(a);
    const t0 = Date.now();
    await fastHeldBySlow(a).held;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('groups are independent; each input has its own drift', async () => {
    const a = alignment();
    const x = a.join({ group: 'x', maxDriftMs: 1_000, watermark: () => 50_000 });
    const y = a.join({ group: 'y', maxDriftMs: 1_000, watermark: () => 10_000 });
    const wide = a.join({ group: 'x', maxDriftMs: 60_000, watermark: () => 60_000 });
    x.delivered();
    y.delivered();
    wide.delivered();
    expect(await settled(x.hold())).toBe(true); // slowest of group x
    expect(await settled(wide.hold())).toBe(true); // 10 s ahead of x, allowed 60 s
    expect(await settled(y.hold())).toBe(true); // alone in group y
    expect(a.groupMinimum({ group: 'x', maxDriftMs: 0, watermark: () => 0 })).toBe(50_000);
  });

  it('stopping releases every held input and holds none after', async () => {
    const a = alignment();
    const { fast, held } = fastHeldBySlow(a);
    expect(await settled(held)).toBe(false);
    a.stop();
    expect(await settled(held)).toBe(true);
    expect(await settled(fast.hold())).toBe(true);
  });
});
