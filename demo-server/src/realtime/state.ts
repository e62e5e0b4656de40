import type { Fanout } from './fanout.js';
import type { PresenceTracker } from './presence.js';
import type { TypingTracker } from './typing.js';

/** The live, in-memory side of the server: who is connected, who is typing, how to reach them. */
export interface RealtimeState {
  fanout: Fanout;
  typing: TypingTracker;
  presence: PresenceTracker;
}
