import type { ChatUser } from '@palaver/protocol';

/** Who is asking: the verified user, and the socket the request came from (not echoed back to). */
export interface Actor {
  user: ChatUser;
  socketId?: string;
}
