import type { ChatUser } from '@palaver/protocol';
import type { Audience } from '../service/notices.js';
import type { Fanout } from './fanout.js';

/**
 * Who is typing where. A "typing" state expires by itself after `timeoutMs`
 * unless renewed, and ends when the user's last socket leaves, so a closed tab
 * never leaves "… is typing" on the other side.
 */
export class TypingTracker {
  private readonly active = new Map<string, { timer: NodeJS.Timeout; stop: () => void }>();

  constructor(
    private readonly fanout: Fanout,
    private readonly timeoutMs: number,
  ) {}

  set(user: ChatUser, conversationId: string, audience: Audience, typing: boolean): void {
    const key = `${conversationId}\u0000${user.id}`;
    const current = this.active.get(key);
    const emit = (value: boolean) =>
      this.fanout.toConversation(
        audience,
        'typing',
        { conversationId, userId: user.id, name: user.name, typing: value },
        { userId: user.id },
      );
    if (!typing) {
      if (current) current.stop();
      return;
    }
    if (current) {
      current.timer.refresh();
      return;
    }
    const stop = () => {
      clearTimeout(entry.timer);
      this.active.delete(key);
      emit(false);
    };
    const entry = { timer: setTimeout(stop, this.timeoutMs), stop };
    entry.timer.unref();
    this.active.set(key, entry);
    emit(true);
  }

  /** Ends every typing state of this user (their last socket left). */
  clearUser(userId: string): void {
    for (const [key, entry] of this.active) {
      if (key.endsWith(`\u0000${userId}`)) entry.stop();
    }
  }

  /** Ends the user's typing state in one conversation, if any (they just sent their message). */
  stop(userId: string, conversationId: string): void {
    this.active.get(`${conversationId}\u0000${userId}`)?.stop();
  }

  dispose(): void {
    for (const entry of this.active.values()) clearTimeout(entry.timer);
    this.active.clear();
  }
}
