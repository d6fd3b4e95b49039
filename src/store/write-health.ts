/**
 * Whether the last write reached the store. Both backends keep one: a failed write (a
 * user's or the probe's) makes the store not writable until a later write succeeds, so
 * readiness tells a load balancer the truth, and recovers by itself.
 */
export class WriteHealth {
  private problem: string | null = null;

  succeeded(): void {
    this.problem = null;
  }

  failed(e: unknown): void {
    this.problem = (e instanceof Error ? e.message : String(e)) || 'write failed';
  }

  get writable(): boolean {
    return this.problem === null;
  }

  /** The StoreHealth fields. */
  report(): { writable: boolean; writeProblem?: string } {
    return this.problem === null ? { writable: true } : { writable: false, writeProblem: this.problem };
  }
}
