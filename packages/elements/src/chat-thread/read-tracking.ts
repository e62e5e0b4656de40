import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ReadTrackingHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** The scrolling list, once rendered. */
  readonly log: HTMLElement | null;
  /** Messages up to `seq` were seen. */
  markRead(seq: number): void;
}

/**
 * Read tracking: messages from others (rendered with `data-unread`) count as
 * read once most of one is on screen while the tab is visible.
 */
export class ReadTrackingController implements ReactiveController {
  private observer: IntersectionObserver | undefined;
  private readonly visible = new Set<number>();
  /** The unread messages under observation: only those that appear or leave are (un)observed on each update. */
  private readonly observed = new Set<Element>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReadTrackingHost) {
    host.addController(this);
  }

  /** Another conversation: nothing of it was seen yet. */
  reset(): void {
    this.visible.clear();
  }

  private readonly schedule = (): void => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (document.visibilityState === 'visible' && this.visible.size > 0)
        this.host.markRead(Math.max(...this.visible));
    }, 150);
  };

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.schedule);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.schedule);
    clearTimeout(this.timer);
    this.observer?.disconnect();
    this.observer = undefined;
    this.observed.clear();
  }

  hostUpdated(): void {
    const log = this.host.log;
    if (typeof IntersectionObserver === 'undefined' || !log) return;
    this.observer ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const seq = Number((entry.target as HTMLElement).dataset.seq);
          if (entry.isIntersecting) this.visible.add(seq);
          else this.visible.delete(seq);
        }
        this.schedule();
      },
      { root: log, threshold: 0.6 },
    );
    const current = new Set(this.host.renderRoot.querySelectorAll('[data-unread]'));
    for (const element of this.observed) {
      if (current.has(element)) continue;
      this.observer.unobserve(element);
      this.observed.delete(element);
    }
    for (const element of current) {
      if (this.observed.has(element)) continue;
      this.observer.observe(element);
      this.observed.add(element);
    }
  }
}
