/**
 * A circuit breaker for one external post-processor (a Dirk addition, off by default). After `failures`
 * failed calls in a row it opens: calls are not made (counted as `circuit_open`) until `resetMs` has
 * passed; then one probe call goes through (half-open). The probe's success closes the breaker, its
 * failure opens it for another `resetMs`.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly failures: number,
    private readonly resetMs: number,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.probing ? 'half-open' : 'open';
  }

  /** May a call be made now? In the half-open state only the one probe may. */
  allow(now: number): boolean {
    if (this.openedAt === undefined) return true;
    if (this.probing) return false;
    if (now - this.openedAt < this.resetMs) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  failure(now: number): void {
    this.consecutive++;
    if (this.probing || this.consecutive >= this.failures) {
      this.openedAt = now;
      this.probing = false;
    }
  }
}
