import type { ServerToClientEvents } from '@palaver/protocol';
import type { Server } from 'socket.io';

/** Every socket of a user joins this room: their tabs and devices all get the same events. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Every admin socket joins this room: admins see every support conversation live. */
export const ADMINS_ROOM = 'admins';

export type EventArgs<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** Who gets a conversation's events. */
export interface Audience {
  kind: 'product' | 'support';
  participantIds: readonly string[];
}

export interface Fanout {
  /** To every socket of every participant, and to admins for support conversations. */
  toConversation<E extends keyof ServerToClientEvents>(
    audience: Audience,
    event: E,
    payload: EventArgs<E>[0],
    except?: { userId?: string; socketId?: string },
  ): void;
  /** To every socket of these users. */
  toUsers<E extends keyof ServerToClientEvents>(userIds: readonly string[], event: E, payload: EventArgs<E>[0]): void;
  /** To every admin socket but those of `exceptUserIds`. */
  toAdmins<E extends keyof ServerToClientEvents>(
    event: E,
    payload: EventArgs<E>[0],
    exceptUserIds: readonly string[],
  ): void;
}

/** Fan-out through Socket.IO rooms (one per user, one for admins). */
export function socketFanout(io: Server): Fanout {
  return {
    toConversation(audience, event, payload, except) {
      const rooms = audience.participantIds.filter((id) => id !== except?.userId).map(userRoom);
      if (audience.kind === 'support') rooms.push(ADMINS_ROOM);
      if (rooms.length === 0) return;
      let target = io.to(rooms);
      if (except?.userId) target = target.except(userRoom(except.userId));
      if (except?.socketId) target = target.except(except.socketId);
      (target.emit as (event: string, payload: unknown) => boolean)(event, payload);
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
  };
}
