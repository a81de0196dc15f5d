/**
 * The end of a bounded run scaled out (src/cli/tasks.ts). Each task reports, after a checkpoint that covers
 * them, every unit it has ended so far: the output stage's partitions whose input has ended (every source
 * split's end crossed every exchange below), or without an exchange the source splits read to their end.
 * A unit once ended stays ended (its output is flushed, or committed under exactly-once), so the run is
 * over when the union of the reports covers every unit, whichever task reported each. A task with no
 * partition reports nothing and holds nothing back.
 */
export class BoundedEnd {
  private readonly ended = new Set<string>();
  private total: number | undefined;

  /** Task `task` has ended `units` (all so far) of `total`; true once every unit of the job has ended. */
  report(_task: number, units: readonly string[], total: number): boolean {
    if (this.total !== undefined && this.total !== total) {
      throw new Error(`internal error: tasks of one bounded run count ${this.total} and ${total} units`);
    }
    this.total = total;
    for (const u of units) this.ended.add(u);
    return this.complete();
  }

  complete(): boolean {
    return this.total !== undefined && this.ended.size >= this.total;
  }

  /** How many units have ended, of how many (the log line while waiting). */
  progress(): { ended: number; total: number | undefined } {
    return { ended: this.ended.size, total: this.total };
  }
}
