import type { PresenceEvent, PresenceQueryInput, PresenceQueryResult, TypingInput } from '@palaver/protocol';
import type { ChatStore } from '../db/store.js';
import { type AccessRules, audienceOf } from './access.js';
import type { Actor } from './actor.js';
import { type Limits, takeSlot } from './limits.js';
import { type Notice, toUsers } from './notices.js';
import type { SafetyService } from './safety.js';

/** Whether a user is online right now (kept by realtime/, across nodes in a cluster). */
export interface PresenceReader {
  isOnline(userId: string): Promise<boolean>;
}

/** Typing and presence: who may say they type where, and who may see whom online. */
export class PresenceService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly presence: PresenceReader,
    private readonly limits: Limits,
    private readonly safety: SafetyService,
  ) {}

  async typing({ user }: Actor, input: TypingInput): Promise<Notice[]> {
    const { access: checked } = await this.rules.writable(user, input.conversationId);
    // Someone who was blocked shows the blocker nothing, typing included.
    await this.safety.assertMayWrite(user.id, checked);
    // A flood is dropped: nothing goes out, and the ack (if any) says rate_limited.
    await takeSlot(this.limits, 'typing', user.id);
    // Nobody else knows of a conversation before its first message: typing in it stays private.
    const access = checked.started ? checked : await this.rules.find(checked.id, true);
    if (!access.started) return [];
    return [{ to: 'typing', user, conversationId: access.id, audience: audienceOf(access), typing: input.typing }];
  }

  async query({ user }: Actor, input: PresenceQueryInput): Promise<PresenceQueryResult> {
    const visible = user.isAdmin ? undefined : new Set(await this.store.contactsOf(user.id));
    // Whom the asker blocked is none of their business any more.
    for (const blocked of user.isAdmin ? [] : await this.store.safety.blockedBy(user.id)) visible?.delete(blocked);
    const presence: PresenceQueryResult['presence'] = [];
    for (const userId of input.userIds) {
      if (visible && !visible.has(userId) && userId !== user.id) continue;
      const online = await this.presence.isOnline(userId);
      const lastSeenAt = online ? undefined : await this.store.lastSeenAt(userId);
      presence.push(lastSeenAt ? { userId, online, lastSeenAt } : { userId, online });
    }
    return { presence };
  }

  /** A user came online or went offline: their contacts are told, and the time is kept. */
  async changed(event: PresenceEvent): Promise<Notice[]> {
    if (!event.online && event.lastSeenAt) await this.store.setLastSeen(event.userId, event.lastSeenAt);
    const contacts = await this.store.contactsOf(event.userId);
    // Those who blocked this user stop seeing them come and go.
    const blockers = new Set(await this.safety.blockersOf(event.userId, contacts));
    return [toUsers(blockers.size ? contacts.filter((id) => !blockers.has(id)) : contacts, 'presence', event)];
  }
}
