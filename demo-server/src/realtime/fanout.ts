import type { Message, ServerToClientEvents, SessionEndedEvent, UnreadCounts } from '@palaver/protocol';
import type { Server } from 'socket.io';
import type { Audience, EventPayload } from '../service/notices.js';

/** Every socket of a user joins this room: their tabs and devices all get the same events. */
export const userRoom = (userId: string) => `user:${userId}`;
/**
 * The sockets of a user that did not ask for unread counts on `message:new`
 * (`HandshakeAuth.unreadWithMessages`): they get those counts as `unread`.
 */
export const separateUnreadRoom = (userId: string) => `unread:${userId}`;
/** Every admin socket joins this room: admins see every support conversation live. */
export const ADMINS_ROOM = 'admins';

export interface Fanout {
  /** To every socket of every participant, and to admins for support conversations. */
  toConversation<E extends keyof ServerToClientEvents>(
    audience: Audience,
    event: E,
    payload: EventPayload<E>,
    except?: { userId?: string },
  ): void;
  /**
   * A new message to every socket of one user but `exceptSocketId`, with the
   * unread counts it gave them (if any): on `message:new` itself, and as a
   * separate `unread` to the sockets that asked for it that way.
   */
  newMessageTo(userId: string, message: Message, unread?: UnreadCounts, exceptSocketId?: string): void;
  /** To every socket of these users. */
  toUsers<E extends keyof ServerToClientEvents>(userIds: readonly string[], event: E, payload: EventPayload<E>): void;
  /** To every admin socket but those of `exceptUserIds`. */
  toAdmins<E extends keyof ServerToClientEvents>(
    event: E,
    payload: EventPayload<E>,
    exceptUserIds: readonly string[],
  ): void;
  /** Tells every socket of the user why, then closes them all (on every node, through the adapter). */
  endSessions(userId: string, event: SessionEndedEvent): void;
}

/**
 * Fan-out through Socket.IO rooms (one per user, one for admins). On a cluster
 * the Redis adapter carries each emit to the other nodes' sockets too.
 */
export function socketFanout(io: Server, clustered: boolean): Fanout {
  const socketsByRoom = io.of('/').adapter.rooms;
  // Socket.IO encodes a packet before it looks for sockets: skip rooms with no one to reach
  // (on one node only: on a cluster, the room's sockets may be on another node).
  const reaches = (room: string, exceptSocketId?: string) => {
    if (clustered) return true;
    const sockets = socketsByRoom.get(room);
    return (
      sockets !== undefined && !(sockets.size === 1 && exceptSocketId !== undefined && sockets.has(exceptSocketId))
    );
  };
  return {
    toConversation(audience, event, payload, except) {
      const rooms = audience.participantIds.filter((id) => id !== except?.userId).map(userRoom);
      if (audience.kind === 'support') rooms.push(ADMINS_ROOM);
      if (rooms.length === 0) return;
      let target = io.to(rooms);
      if (except?.userId) target = target.except(userRoom(except.userId));
      (target.emit as (event: string, payload: unknown) => boolean)(event, payload);
    },
    newMessageTo(userId, message, unread, exceptSocketId) {
      const room = userRoom(userId);
      const separate = separateUnreadRoom(userId);
      const except = exceptSocketId ? [exceptSocketId] : [];
      if (!unread) {
        if (reaches(room, exceptSocketId)) io.to(room).except(except).emit('message:new', message);
        return;
      }
      // Counts ride on message:new only to the sockets that asked for them; the
      // others (the separate-unread room) get the bare message and an `unread`.
      if (reaches(room, exceptSocketId))
        io.to(room)
          .except([...except, separate])
          .emit('message:new', message, unread);
      if (reaches(separate, exceptSocketId)) {
        io.to(separate).except(except).emit('message:new', message);
        io.to(separate).emit('unread', unread);
      }
    },
    toUsers(userIds, event, payload) {
      if (userIds.length === 0) return;
      (io.to(userIds.map(userRoom)).emit as (event: string, payload: unknown) => boolean)(event, payload);
    },
    toAdmins(event, payload, exceptUserIds) {
      (io.to(ADMINS_ROOM).except(exceptUserIds.map(userRoom)).emit as (event: string, payload: unknown) => boolean)(
        event,
        payload,
      );
    },
    endSessions(userId, event) {
      const room = userRoom(userId);
      // Both go out through the same Redis connection, in this order: the reason arrives before the close.
      io.in(room).emit('session:ended', event);
      io.in(room).disconnectSockets(true);
    },
  };
}
