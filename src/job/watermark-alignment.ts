/**
 * Watermark alignment, as Flink's `scan.watermark.alignment.*` table options (FLIP-182): an input of an
 * alignment group stops reading while its event time is more than its max drift ahead of the slowest input of
 * the group, and reads on when the others have caught up.
 *
 * Why: a join or window over two streams keeps every row of the faster stream until the slower one's event time
 * reaches it. Two topics read at their own pace (a backlog of one, records of different rates per event-time
 * second) drift apart by minutes or hours of event time, and the buffered rows grow with the drift: the
 * benchmark's interval join of bookings and payments buffered about a million payments without it. Held at a
 * drift of a few seconds, the state stays a few seconds' worth. Results are the same; only the order in which
 * the inputs are read changes.
 *
 * How an input is held: its delivery waits (after the batch is processed, outside the job's lock) until it is
 * within its drift; a Kafka source keeps its group membership alive meanwhile (kafka-source's heartbeat timer),
 * so holding it is back-pressure, not a pause and resume of partitions. Checked again after every delivery and
 * watermark tick of the job, and every `RECHECK_MS` while anything waits (time alone makes an input idle).
 *
 * Which inputs hold the group back: those with event time (a finite watermark: one that has delivered and is
 * not at its end) that delivered within the idle time: the job's FLINK_WATERMARK_IDLE_TIMEOUT_MS, or
 * DEFAULT_IDLE_MS when that is 0. Flink holds a group on an idle source until idleness is configured; here a
 * silent input (a caught-up topic) never stops the others for good. An input waiting is not delivering, so it
 * drops out of the group's minimum too, which is right: it is the one ahead. Within one task (DIRK_TASKS: each
 * task aligns the inputs it reads).
 */

/** How long an aligned input may deliver nothing before it stops holding its group back, when the job sets no idle timeout. */
export const DEFAULT_IDLE_MS = 10_000;
/** How often waiting inputs are checked again when nothing else happens. */
const RECHECK_MS = 200;

export interface AlignmentMember {
  /** The alignment group (`scan.watermark.alignment.group`, SOURCE_WATERMARK_ALIGNMENT_GROUP). */
  readonly group: string;
  /** How far this input may run ahead of the group's slowest, in ms. */
  readonly maxDriftMs: number;
  /** The input's event time now (its watermark; -Infinity before any, +Infinity at its end). */
  readonly watermark: () => number;
}

/** One input's handle on the alignment. */
export interface AlignedInput {
  /** A batch was delivered: the input is live, and the others may now be within their drift. */
  delivered(): void;
  /** Resolves when the input may read on (at once when it is within its drift). */
  hold(): Promise<void>;
  /** Milliseconds this input has spent held, and how many times it was. */
  readonly heldMs: number;
  readonly heldTimes: number;
}

interface Member extends AlignmentMember {
  deliveredAt: number;
  heldMs: number;
  heldTimes: number;
}

export class WatermarkAlignment {
  private readonly members: Member[] = [];
  private waiting: Array<{ member: Member; since: number; resolve: () => void }> = [];
  private timer: NodeJS.Timeout | undefined = undefined;
  private stopped = false;
  private readonly idleMs: number;

  constructor(
    /** FLINK_WATERMARK_IDLE_TIMEOUT_MS; 0: DEFAULT_IDLE_MS. */
    idleTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.idleMs = idleTimeoutMs > 0 ? idleTimeoutMs : DEFAULT_IDLE_MS;
  }

  join(spec: AlignmentMember): AlignedInput {
    const member: Member = { ...spec, deliveredAt: this.now(), heldMs: 0, heldTimes: 0 };
    this.members.push(member);
    return {
      delivered: () => {
        member.deliveredAt = this.now();
        this.recheck();
      },
      hold: () => this.hold(member),
      get heldMs() {
        return member.heldMs;
      },
      get heldTimes() {
        return member.heldTimes;
      },
    };
  }

  /** The slowest event time of `member`'s group among the inputs that hold it back; +Infinity when none does. */
  groupMinimum(member: AlignmentMember, now = this.now()): number {
    let min = Infinity;
    for (const m of this.members) {
      if (m.group !== member.group) continue;
      const wm = m.watermark();
      if (!Number.isFinite(wm)) continue;
      if (now - m.deliveredAt > this.idleMs) continue;
      if (wm < min) min = wm;
    }
    return min;
  }

  private ahead(m: Member, now: number): boolean {
    if (this.stopped) return false;
    const wm = m.watermark();
    if (!Number.isFinite(wm)) return false;
    return wm > this.groupMinimum(m, now) + m.maxDriftMs;
  }

  private hold(m: Member): Promise<void> {
    const now = this.now();
    if (!this.ahead(m, now)) return Promise.resolve();
    m.heldTimes++;
    return new Promise((resolve) => {
      this.waiting.push({ member: m, since: now, resolve });
      this.timer ??= setInterval(() => this.recheck(), RECHECK_MS);
      this.timer.unref?.();
    });
  }

  /** Releases every waiting input now within its drift (all of them once stopped). */
  recheck(): void {
    if (this.waiting.length === 0) return;
    const now = this.now();
    const still: typeof this.waiting = [];
    for (const w of this.waiting) {
      if (this.ahead(w.member, now)) {
        still.push(w);
        continue;
      }
      w.member.heldMs += now - w.since;
      w.resolve();
    }
    this.waiting = still;
    if (still.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** The job is stopping: nothing waits any more. */
  stop(): void {
    this.stopped = true;
    this.recheck();
  }
}
