import type { PresenceEvent, TypingEvent } from '@palaver/protocol';
import { atom, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import { signal } from './signal.js';
import type { Notice, Presence, TypingUser } from './types.js';

const TYPING_EXPIRY_MS = 10_000;

/** What nothing persists: who is typing where, who is online, and the failures to tell the user about. */
export class LiveState {
  /** Failures to tell the user about, oldest first. */
  readonly $notices = atom<Notice[]>([]);
  private lastNotice = 0;
  private readonly typingAtoms = new Map<string, WritableAtom<TypingUser[]>>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly presenceAtoms = new Map<string, WritableAtom<Presence | undefined>>();
  /** Someone on the page started watching a user's presence (the server is asked). */
  readonly presenceMounted = signal<string>();

  typingIn(id: string): ReadableAtom<TypingUser[]> {
    let store = this.typingAtoms.get(id);
    if (!store) {
      store = atom<TypingUser[]>([]);
      this.typingAtoms.set(id, store);
    }
    return store;
  }

  presenceOf(userId: string): ReadableAtom<Presence | undefined> {
    let store = this.presenceAtoms.get(userId);
    if (!store) {
      const created = atom<Presence | undefined>(undefined);
      onMount(created, () => {
        this.presenceMounted.emit(userId);
      });
      store = created;
      this.presenceAtoms.set(userId, store);
    }
    return store;
  }

  applyTyping(event: TypingEvent): void {
    const store = this.typingIn(event.conversationId) as WritableAtom<TypingUser[]>;
    const key = `${event.conversationId}\u0000${event.userId}`;
    clearTimeout(this.typingTimers.get(key));
    const others = store.get().filter((u) => u.userId !== event.userId);
    if (event.typing) {
      store.set([...others, { userId: event.userId, name: event.name }]);
      // A missed "stopped typing" (dropped connection) must not leave the indicator on.
      this.typingTimers.set(
        key,
        setTimeout(() => this.applyTyping({ ...event, typing: false }), TYPING_EXPIRY_MS),
      );
    } else {
      this.typingTimers.delete(key);
      if (others.length !== store.get().length) store.set(others);
    }
  }

  /** Someone's message arrived: they are no longer typing. */
  clearTypingOf(conversationId: string, userId: string): void {
    const store = this.typingAtoms.get(conversationId);
    if (store?.get().some((u) => u.userId === userId)) {
      this.applyTyping({ conversationId, userId, name: '', typing: false });
    }
  }

  applyPresence(event: PresenceEvent): void {
    const store = this.presenceOf(event.userId) as WritableAtom<Presence | undefined>;
    store.set(event.lastSeenAt ? { online: event.online, lastSeenAt: event.lastSeenAt } : { online: event.online });
  }

  addNotice(notice: Omit<Notice, 'id'>): Notice {
    const added = { ...notice, id: ++this.lastNotice };
    this.$notices.set([...this.$notices.get(), added]);
    return added;
  }

  dismissNotice(id: number): Notice | undefined {
    const notice = this.$notices.get().find((n) => n.id === id);
    if (notice) this.$notices.set(this.$notices.get().filter((n) => n !== notice));
    return notice;
  }

  reset(): void {
    this.$notices.set([]);
    for (const store of this.typingAtoms.values()) store.set([]);
    this.dispose();
    for (const store of this.presenceAtoms.values()) store.set(undefined);
  }

  dispose(): void {
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
  }
}
