import type { PresenceEvent } from '@palaver/protocol';
import type { Server } from 'socket.io';
import type { Notice } from '../service/notices.js';
import type { PresenceReader } from '../service/presence.js';
import { type Fanout, socketFanout } from './fanout.js';
import { PresenceTracker } from './presence.js';
import { TypingTracker } from './typing.js';

export interface RealtimeOptions {
  io: Server;
  /** How long a user stays "online" after their last socket left. */
  presenceGraceMs: number;
  /** How long a "typing" state lasts without being renewed. */
  typingTimeoutMs: number;
  /** A user came online or went offline (the service decides who is told). */
  onPresenceChange(event: PresenceEvent): void;
}

/** The live side of the server: who is connected, who is typing, and delivering notices to sockets. */
export interface Realtime extends PresenceReader {
  deliver(notices: readonly Notice[]): void;
  /** A socket of this user connected. */
  connected(userId: string): void;
  /** A socket of this user closed. */
  disconnected(userId: string): void;
  /** Stops every timer; nothing is announced afterwards. */
  dispose(): void;
}

export function createRealtime(options: RealtimeOptions): Realtime {
  const fanout: Fanout = socketFanout(options.io);
  const typing = new TypingTracker(fanout, options.typingTimeoutMs);
  const presence = new PresenceTracker(options.presenceGraceMs, (_userId, event) => options.onPresenceChange(event));
  return {
    deliver(notices) {
      for (const notice of notices) {
        switch (notice.to) {
          case 'users':
            fanout.toUsers(notice.userIds, notice.event, notice.payload as never);
            break;
          case 'conversation':
            fanout.toConversation(
              notice.audience,
              notice.event,
              notice.payload as never,
              notice.exceptUserId === undefined ? undefined : { userId: notice.exceptUserId },
            );
            break;
          case 'admins':
            fanout.toAdmins(notice.event, notice.payload as never, notice.exceptUserIds);
            break;
          case 'new-message':
            fanout.newMessageTo(notice.userId, notice.message, notice.unread, notice.exceptSocketId);
            break;
          case 'typing':
            typing.set(notice.user, notice.conversationId, notice.audience, notice.typing);
            break;
          case 'typing-ended':
            typing.stop(notice.userId, notice.conversationId);
            break;
        }
      }
    },
    connected(userId) {
      presence.connected(userId);
    },
    disconnected(userId) {
      if (presence.disconnected(userId)) typing.clearUser(userId);
    },
    async isOnline(userId) {
      return presence.isOnline(userId);
    },
    dispose() {
      typing.dispose();
      presence.dispose();
    },
  };
}
