/**
 * The idle wait of a polling loop (the router, the job runner): sleep until the next poll, or
 * until woken because there is work (or the loop is stopping).
 */
export class Nap {
  private wakeUp: (() => void) | undefined;

  /** Resolves after `ms`, or as soon as `wake()` is called. */
  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }

  /** Ends the sleep in progress, if any. */
  wake(): void {
    this.wakeUp?.();
  }
}
