import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How many messages are in the DOM at most: long threads slide this window instead of growing it. */
export const MAX_RENDERED_MESSAGES = 120;
/**
 * Messages revealed per scroll step. Each step's new messages are built, laid
 * out and painted within one frame, so the step bounds the longest task of a
 * fast scroll (a step of 40, plus the 50 of every loaded page shown at once,
 * made 15–45 ms tasks on a 10,000-message thread).
 */
const RENDER_STEP = 25;
const NEAR_EDGE_PX = 48;

export interface RenderedWindowHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** The scrolling list, once rendered. */
  readonly log: HTMLElement | null;
  /** The thread's messages, oldest first. */
  readonly messages: ReadonlyArray<{ readonly clientId: string }>;
  /** Older messages are needed than the thread holds: ask the server. */
  loadOlder(): void;
}

/**
 * Which of a thread's messages are in the DOM, and where the reader is: it
 * stays at the bottom while the reader is there, keeps the message they look
 * at in place when others arrive or load above, and slides a window of at
 * most MAX_RENDERED_MESSAGES when they scroll far.
 */
export class RenderedWindowController implements ReactiveController {
  /** Index (in the thread's list) just past the last rendered message; undefined: the newest. */
  end: number | undefined;
  private size = 60;
  /** Messages that arrived below while the reader was scrolled up. */
  unseenBelow = 0;
  private stickToBottom = true;
  private anchor: { key: string; top: number } | undefined;
  private lastCount = 0;
  /** The message at `end - 1`: a page loaded above shifts indices, the window stays on its messages. */
  private endKey: string | undefined;
  /** Older messages were asked from the server: reveal them once they are in. */
  private olderWanted = false;

  constructor(private readonly host: RenderedWindowHost) {
    host.addController(this);
  }

  /** The rendered slice: `[start, end)` of the thread's messages. */
  range(total: number): [number, number] {
    const end = this.end ?? total;
    return [Math.max(0, end - this.size), end];
  }

  /** Another conversation: start at its newest message. */
  reset(): void {
    this.end = undefined;
    this.stickToBottom = true;
    this.olderWanted = false;
  }

  /** Back to the newest message (after sending, or the "new messages" button). */
  toNewest(): void {
    this.end = undefined;
    this.stickToBottom = true;
    this.olderWanted = false;
    this.unseenBelow = 0;
    this.host.requestUpdate();
  }

  readonly onScroll = (): void => {
    const log = this.host.log;
    if (!log) return;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX;
    this.stickToBottom = atBottom && this.end === undefined;
    if (this.stickToBottom && this.unseenBelow > 0) {
      this.unseenBelow = 0;
      this.host.requestUpdate();
    }
    if (log.scrollTop < NEAR_EDGE_PX) this.revealOlder();
    else if (atBottom && this.end !== undefined) this.revealNewer();
  };

  /** Shows older messages: from memory first, then from the server. */
  private revealOlder(): void {
    if (!this.growOlder()) {
      this.olderWanted = true;
      this.host.loadOlder();
      return;
    }
    this.host.requestUpdate();
  }

  /** One step up, from memory; false: the window already starts at the oldest message held. */
  private growOlder(): boolean {
    this.follow();
    const [start, end] = this.range(this.host.messages.length);
    if (start === 0) return false;
    const size = this.size + RENDER_STEP;
    // Past the cap, the window slides up: the newest rendered messages leave the DOM.
    if (size > MAX_RENDERED_MESSAGES) this.setEnd(Math.max(MAX_RENDERED_MESSAGES, end - RENDER_STEP));
    this.size = Math.min(size, MAX_RENDERED_MESSAGES);
    return true;
  }

  private revealNewer(): void {
    this.follow();
    const total = this.host.messages.length;
    const end = (this.end ?? total) + RENDER_STEP;
    this.setEnd(end >= total ? undefined : end);
    this.host.requestUpdate();
  }

  private setEnd(end: number | undefined): void {
    this.end = end;
    this.endKey = end === undefined ? undefined : this.host.messages[end - 1]?.clientId;
  }

  /** After older messages came in above, `end` points at the same message as before. */
  private follow(): void {
    const messages = this.host.messages;
    if (this.end === undefined || messages[this.end - 1]?.clientId === this.endKey) return;
    const at = messages.findIndex((message) => message.clientId === this.endKey);
    this.setEnd(at < 0 ? Math.min(this.end, messages.length) : at + 1);
  }

  /** Before rendering: remember what the reader is looking at, to keep it in place. */
  hostUpdate(): void {
    this.follow();
    // The page asked for is in: one step of it shows (the rest with the next steps).
    if (this.olderWanted && this.growOlder()) this.olderWanted = false;
    const log = this.host.log;
    this.anchor = undefined;
    if (!log || this.stickToBottom) return;
    const top = log.scrollTop;
    for (const element of this.host.renderRoot.querySelectorAll<HTMLElement>('[data-key]')) {
      if (element.offsetTop + element.offsetHeight > top) {
        this.anchor = { key: element.dataset.key as string, top: element.offsetTop - top };
        return;
      }
    }
  }

  hostUpdated(): void {
    const log = this.host.log;
    if (!log) return;
    const count = this.host.messages.length;
    const unseen = this.unseenBelow;
    if (this.stickToBottom) {
      log.scrollTop = log.scrollHeight;
      this.unseenBelow = 0;
    } else if (this.anchor) {
      const selector = `[data-key="${CSS.escape(this.anchor.key)}"]`;
      const element = this.host.renderRoot.querySelector<HTMLElement>(selector);
      if (element) log.scrollTop += element.offsetTop - log.scrollTop - this.anchor.top;
      if (count > this.lastCount && this.end === undefined) this.unseenBelow += count - this.lastCount;
    }
    this.lastCount = count;
    // The "new messages" button shows (or goes) with the next render.
    if (this.unseenBelow !== unseen) this.host.requestUpdate();
  }
}
