import type { PresenceEvent, TypingEvent } from '@palaver/protocol';
import { atom, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import { type Signal, signal } from './signal.js';
import type { Notice, Presence, TypingUser } from './types.js';

const TYPING_EXPIRY_MS = 10_000;

/** What nothing persists: who is typing where, who is online, and the failures to tell the user about. */
export interface LiveState {
  /** Failures to tell the user about, oldest first. */
  readonly $notices: ReadableAtom<Notice[]>;
  /** Someone on the page started watching a user's presence (the server is asked). */
  readonly presenceMounted: Signal<string>;
  typingIn(id: string): ReadableAtom<TypingUser[]>;
  presenceOf(userId: string): ReadableAtom<Presence | undefined>;
  applyTyping(event: TypingEvent): void;
  /** Someone's message arrived: they are no longer typing. */
  clearTypingOf(conversationId: string, userId: string): void;
  applyPresence(event: PresenceEvent): void;
  addNotice(notice: Omit<Notice, 'id'>): Notice;
  dismissNotice(id: number): Notice | undefined;
  /** Forgets everything (logout, another user). */
  reset(): void;
  dispose(): void;
}

export function createLiveState(): LiveState {
  const $notices = atom<Notice[]>([]);
  const presenceMounted = signal<string>();
  const typingAtoms = new Map<string, WritableAtom<TypingUser[]>>();
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const presenceAtoms = new Map<string, WritableAtom<Presence | undefined>>();
  let lastNotice = 0;

  const typingIn = (id: string): WritableAtom<TypingUser[]> => {
    let store = typingAtoms.get(id);
    if (!store) {
      store = atom<TypingUser[]>([]);
      typingAtoms.set(id, store);
    }
    return store;
  };

  const presenceOf = (userId: string): WritableAtom<Presence | undefined> => {
    let store = presenceAtoms.get(userId);
    if (!store) {
      store = atom<Presence | undefined>(undefined);
      onMount(store, () => {
        presenceMounted.emit(userId);
      });
      presenceAtoms.set(userId, store);
    }
    return store;
  };

  const applyTyping = (event: TypingEvent): void => {
    const store = typingIn(event.conversationId);
    const key = `${event.conversationId}\u0000${event.userId}`;
    clearTimeout(typingTimers.get(key));
    const others = store.get().filter((u) => u.userId !== event.userId);
    if (event.typing) {
      store.set([...others, { userId: event.userId, name: event.name }]);
      // A missed "stopped typing" (dropped connection) must not leave the indicator on.
      typingTimers.set(
        key,
        setTimeout(() => applyTyping({ ...event, typing: false }), TYPING_EXPIRY_MS),
      );
    } else {
      typingTimers.delete(key);
      if (others.length !== store.get().length) store.set(others);
    }
  };

  const dispose = (): void => {
    for (const timer of typingTimers.values()) clearTimeout(timer);
    typingTimers.clear();
  };

  return {
    $notices,
    presenceMounted,
    typingIn,
    presenceOf,
    applyTyping,
    clearTypingOf(conversationId, userId) {
      if (
        typingAtoms
          .get(conversationId)
          ?.get()
          .some((u) => u.userId === userId)
      ) {
        applyTyping({ conversationId, userId, name: '', typing: false });
      }
    },
    applyPresence(event) {
      presenceOf(event.userId).set(
        event.lastSeenAt ? { online: event.online, lastSeenAt: event.lastSeenAt } : { online: event.online },
      );
    },
    addNotice(notice) {
      const added = { ...notice, id: ++lastNotice };
      $notices.set([...$notices.get(), added]);
      return added;
    },
    dismissNotice(id) {
      const notice = $notices.get().find((n) => n.id === id);
      if (notice) $notices.set($notices.get().filter((n) => n !== notice));
      return notice;
    },
    reset() {
      $notices.set([]);
      for (const store of typingAtoms.values()) store.set([]);
      dispose();
      for (const store of presenceAtoms.values()) store.set(undefined);
    },
    dispose,
  };
}
