import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How many messages are in the DOM at most: long threads slide this window instead of growing it. */
export const MAX_RENDERED_MESSAGES = 120;
const RENDER_STEP = 40;
const NEAR_EDGE_PX = 48;

export interface RenderedWindowHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** The scrolling list, once rendered. */
  readonly log: HTMLElement | null;
  /** How many messages the thread holds. */
  readonly messageCount: number;
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
  }

  /** Back to the newest message (after sending, or the "new messages" button). */
  toNewest(): void {
    this.end = undefined;
    this.stickToBottom = true;
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
    const total = this.host.messageCount;
    const [start, end] = this.range(total);
    if (start === 0) {
      this.host.loadOlder();
      return;
    }
    const size = this.size + RENDER_STEP;
    // Past the cap, the window slides up: the newest rendered messages leave the DOM.
    if (size > MAX_RENDERED_MESSAGES) this.end = Math.max(MAX_RENDERED_MESSAGES, end - RENDER_STEP);
    this.size = Math.min(size, MAX_RENDERED_MESSAGES);
    this.host.requestUpdate();
  }

  private revealNewer(): void {
    const total = this.host.messageCount;
    const end = (this.end ?? total) + RENDER_STEP;
    this.end = end >= total ? undefined : end;
    this.host.requestUpdate();
  }

  /** Before rendering: remember what the reader is looking at, to keep it in place. */
  hostUpdate(): void {
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
    const count = this.host.messageCount;
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
