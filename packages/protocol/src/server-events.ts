// Apart from events.ts: that module builds zod schemas at load, and a client
// that only needs these names must not carry them in its bundle.
import type { ServerEventName } from './events.js';

/**
 * Every server event, for clients that subscribe to them by name. The check
 * below fails to compile when `ServerToClientEvents` gains an event this list lacks.
 */
export const SERVER_EVENT_NAMES = [
  'message:new',
  'message:updated',
  'conversation:updated',
  'read',
  'unread',
  'typing',
  'presence',
  'session:ended',
] as const satisfies readonly ServerEventName[];

type Holds<T extends true> = T;
/** A compile-time check (no code): `true` only when `SERVER_EVENT_NAMES` lists every server event. */
export type EveryServerEventListed = Holds<
  [Exclude<ServerEventName, (typeof SERVER_EVENT_NAMES)[number]>] extends [never] ? true : false
>;
