/**
 * Tabs of one user in one browser share the outbox and the cache (same
 * IndexedDB database). A BroadcastChannel tells the other tabs when something
 * changed, and a Web Lock picks the one tab that sends the outbox: exactly one
 * holds it at a time, and when that tab closes the next one takes over.
 */
export type TabMessage = { type: 'outbox'; clientId: string; status?: 'queued' | 'sending' | 'failed' };

export interface TabCoordinator {
  readonly isLeader: boolean;
  post(message: TabMessage): void;
  close(): void;
}

export function coordinateTabs(
  name: string,
  onMessage: (message: TabMessage) => void,
  onLeadership: () => void,
): TabCoordinator {
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(name);
  if (channel) channel.onmessage = (event: MessageEvent<TabMessage>) => onMessage(event.data);
  let leader = false;
  let closed = false;
  let release: (() => void) | undefined;
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks) {
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    locks
      .request(name, () => {
        leader = true;
        onLeadership();
        return held; // kept until this client closes
      })
      // Safe to drop: the request fails only when the page goes away (or locks are disabled),
      // and then this tab is simply never the sender.
      .catch(() => undefined);
  } else {
    // No Web Locks (Node, old browsers): nothing to share with, this client sends.
    leader = true;
    queueMicrotask(onLeadership);
  }
  return {
    get isLeader() {
      return leader;
    },
    post(message) {
      if (!closed) channel?.postMessage(message);
    },
    close() {
      closed = true;
      leader = false;
      release?.();
      channel?.close();
    },
  };
}
