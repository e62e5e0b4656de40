/** How often files of discarded and never-sent uploads are looked for. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Runs the attachment sweep every `intervalMs`, and soon after a deletion
 * (`soon()`), one round at a time: a call while one runs asks for one more
 * round after it, never for two at once.
 */
export class AttachmentSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly sweep: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.soon(), this.intervalMs);
    this.timer.unref();
    this.soon();
  }

  /** Asks for a round now (or right after the one running). */
  soon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.sweep().catch(this.onError);
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
