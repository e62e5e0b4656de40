import type { ChatUser, Message, ServerToClientEvents, SessionEndedEvent, UnreadCounts } from '@palaver/protocol';

/**
 * What a change tells whom. The service decides the notices of each change and
 * returns them beside its result; `realtime/` delivers them (to sockets on this
 * node and, in a cluster, on the others). The service itself sends nothing.
 */
export type EventName = keyof ServerToClientEvents;
export type EventPayload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/** Who gets a conversation's events: every participant, and admins for support conversations. */
export interface Audience {
  kind: 'product' | 'support';
  participantIds: readonly string[];
}

type Addressed<Target> = { [E in EventName]: Target & { event: E; payload: EventPayload<E> } }[EventName];

export type Notice =
  /** To every socket of these users. */
  | Addressed<{ to: 'users'; userIds: readonly string[] }>
  /** To a conversation's audience, but not to `exceptUserId`'s sockets. */
  | Addressed<{ to: 'conversation'; audience: Audience; exceptUserId?: string }>
  /** To every admin socket but those of `exceptUserIds`. */
  | Addressed<{ to: 'admins'; exceptUserIds: readonly string[] }>
  /** A new message to every socket of one user but the sender's own, with the unread counts it gave them. */
  | { to: 'new-message'; userId: string; message: Message; unread?: UnreadCounts; exceptSocketId?: string }
  /** A user starts or stops typing (realtime/ keeps the state and its expiry). */
  | { to: 'typing'; user: ChatUser; conversationId: string; audience: Audience; typing: boolean }
  /** The user's typing state in this conversation ends, if any (they just sent a message). */
  | { to: 'typing-ended'; userId: string; conversationId: string }
  /** Every socket of the user, on every node, is told why and closed (their sessions were revoked). */
  | { to: 'end-sessions'; userId: string; event: SessionEndedEvent };

export const toUsers = <E extends EventName>(userIds: readonly string[], event: E, payload: EventPayload<E>): Notice =>
  ({ to: 'users', userIds, event, payload }) as Notice;

export const toConversation = <E extends EventName>(
  audience: Audience,
  event: E,
  payload: EventPayload<E>,
  exceptUserId?: string,
): Notice =>
  (exceptUserId === undefined
    ? { to: 'conversation', audience, event, payload }
    : { to: 'conversation', audience, event, payload, exceptUserId }) as Notice;

export const toAdmins = <E extends EventName>(
  event: E,
  payload: EventPayload<E>,
  exceptUserIds: readonly string[],
): Notice => ({ to: 'admins', exceptUserIds, event, payload }) as Notice;

/** A result and the notices its change sends. */
export interface Outcome<T> {
  result: T;
  notices: Notice[];
}
