import type { Connection } from './connection/connection.js';

/**
 * What add-ons kept out of the client (the moderation API) need from it: the
 * socket's requests, a token for REST calls, and the server's address.
 *
 * Kept under a `Symbol.for` key rather than as public methods: the client's
 * API stays what every page needs (the badge bundle does not grow), and the
 * moderation console — which may come from another file than the page's
 * client (`palaver-moderation.js` beside `palaver.js`, or two bundlers'
 * copies) — still finds it, since the symbol registry is shared by the page.
 */
export const CLIENT_ACCESS = Symbol.for('palaver.client-access.v1');

export interface ClientAccess {
  request: Connection['request'];
  token: Connection['token'];
  /** Undefined for a client on a custom transport (no REST then). */
  url: string | undefined;
}

/** The access of a client made by `createChatClient` (of any copy of the SDK), if it is one. */
export function accessOf(client: object): ClientAccess | undefined {
  return (client as { [CLIENT_ACCESS]?: ClientAccess })[CLIENT_ACCESS];
}
