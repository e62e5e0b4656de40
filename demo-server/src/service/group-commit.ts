import type { ChatStore, InsertMessageInput, StoredMessage } from '../db/store.js';

interface Pending {
  input: InsertMessageInput;
  resolve: (stored: StoredMessage) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends that arrive together are stored in one transaction, and each answer
 * goes out only after that commit. A commit happens right away (at the end of
 * this turn of the event loop) when the last one is more than the window ago,
 * otherwise once the window has passed: sparse sends wait for nothing, and
 * under load commits come at most once per window, each carrying more messages
 * and costing less per message. One commit runs at a time; sends that arrive
 * meanwhile form the next batch.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private scheduled = false;
  private committing = false;

  constructor(
    private readonly store: ChatStore,
    private readonly windowMs: number,
    private readonly onBatch: (size: number) => void,
  ) {}

  /** Resolves once the message is committed (or was stored before under the same clientId). */
  add(input: InsertMessageInput): Promise<StoredMessage> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.committing || this.pending.length === 0) return;
    this.scheduled = true;
    const wait = this.lastCommitAt + this.windowMs - performance.now();
    const run = () => {
      this.scheduled = false;
      void this.commit();
    };
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  }

  private async commit(): Promise<void> {
    this.committing = true;
    this.lastCommitAt = performance.now();
    const batch = this.pending;
    this.pending = [];
    this.onBatch(batch.length);
    try {
      const outcomes = await this.store.insertMessages(batch.map((send) => send.input));
      batch.forEach((send, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined || outcome instanceof Error) send.reject(outcome ?? new Error('no outcome'));
        else send.resolve(outcome);
      });
    } catch (error) {
      for (const send of batch) send.reject(error);
    } finally {
      this.committing = false;
      this.schedule();
    }
  }
}
