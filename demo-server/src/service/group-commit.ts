import type { ChatStore, InsertMessageInput, StoredMessage } from '../db/store.js';

/** A send's place in its lane (see `GroupCommit.turn`). */
export interface Turn {
  /** Settles when the previous send of the lane was added or given up. */
  readonly previous: Promise<void> | undefined;
  done(): void;
}

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
  /** The newest turn of each lane that has sends on their way. */
  private readonly lanes = new Map<string, { finished: Promise<void> }>();
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private scheduled = false;
  private committing = false;

  constructor(
    private readonly store: ChatStore,
    private readonly windowMs: number,
    private readonly onBatch: (size: number) => void,
  ) {}

  /**
   * A place in the order of `lane` (a socket), taken when a send arrives. The
   * checks before storing a send may wait for the database, and those of a
   * later send may finish first: `add` waits until every earlier send of the
   * same lane has been added or given up, so a lane's messages are numbered in
   * the order they arrived. Call `done()` once the send is added or refused.
   */
  turn(lane: string): Turn {
    const previous = this.lanes.get(lane);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const entry = { finished };
    this.lanes.set(lane, entry);
    return {
      previous: previous?.finished,
      done: () => {
        done();
        if (this.lanes.get(lane) === entry) this.lanes.delete(lane);
      },
    };
  }

  /** Resolves once the message is committed (or was stored before under the same clientId). */
  async add(input: InsertMessageInput, turn: Turn): Promise<StoredMessage> {
    if (turn.previous) await turn.previous;
    const stored = new Promise<StoredMessage>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
    turn.done();
    return stored;
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
