import type { Server } from 'socket.io';
import type { Notice } from '../service/notices.js';
import type { PresenceReader } from '../service/presence.js';
import { type Fanout, socketFanout } from './fanout.js';
import type { Presence } from './presence.js';
import { TypingTracker } from './typing.js';

export interface RealtimeOptions {
  io: Server;
  /** Who is online: in memory on one node, in Redis on a cluster. */
  presence: Presence;
  /** How long a "typing" state lasts without being renewed. */
  typingTimeoutMs: number;
  /** True when other nodes share the sockets (Socket.IO's Redis adapter): rooms here are not all there is. */
  clustered: boolean;
}

/** The live side of the server: who is connected, who is typing, and delivering notices to sockets. */
export interface Realtime extends PresenceReader {
  deliver(notices: readonly Notice[]): void;
  /** A socket of this user connected. */
  connected(userId: string): void;
  /** A socket of this user closed. */
  disconnected(userId: string): void;
  /** Stops every timer; nothing is announced afterwards. */
  dispose(): Promise<void>;
}

export function createRealtime(options: RealtimeOptions): Realtime {
  const fanout: Fanout = socketFanout(options.io, options.clustered);
  const typing = new TypingTracker(fanout, options.typingTimeoutMs);
  const { presence } = options;
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
          case 'end-sessions':
            fanout.endSessions(notice.userId, notice.event);
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
    isOnline(userId) {
      return presence.isOnline(userId);
    },
    async dispose() {
      typing.dispose();
      await presence.dispose();
    },
  };
}
