import type { ChatErrorBody, Conversation, Message, ModerationLogEntry, Report } from '@palaver/protocol';
import type { ReadableAtom } from 'nanostores';
import { accessOf, type ClientAccess } from './access.js';
import type { ConnectionStatus } from './connection/connection.js';
import { ChatError } from './errors.js';

export type ReportStatus = Report['status'];
export type ModerationAction = ModerationLogEntry['action'];

export interface ModerationSearch {
  userId?: string;
  productId?: string;
  /** Words in a message (at least two characters). */
  q?: string;
}

/** The moderation console's calls, made as the signed-in admin (see {@link moderationOf}). */
export interface Moderation {
  /** The reports queue, newest first (`open` by default). */
  reports(status?: ReportStatus): Promise<Report[]>;
  resolve(reportId: string, status: 'resolved' | 'dismissed', note?: string): Promise<Report>;
  /** Removes a message for its participants; resolves with it as an admin reads it (the original text). */
  removeMessage(messageId: string, reason: string): Promise<Message>;
  suspend(userId: string, reason: string): Promise<void>;
  reinstate(userId: string, reason: string): Promise<void>;
  /** Every moderator action, newest first. */
  log(): Promise<ModerationLogEntry[]>;
  search(criteria: ModerationSearch): Promise<Conversation[]>;
  conversation(conversationId: string): Promise<Conversation>;
  /**
   * A message with up to `around` messages before and after it (through the
   * socket's `messages:history`, which admins may read in any conversation);
   * without `messageId`, the conversation's latest `2 × around + 1` messages.
   * Resolves with an empty list when the message is not found.
   */
  context(conversationId: string, messageId?: string, around?: number): Promise<Message[]>;
}

/**
 * A `ChatClient` as this module sees it (named by shape: the facade sits on top
 * of the SDK's parts, nothing imports it); its access comes from `accessOf`.
 */
export interface ModeratorClient {
  readonly $connection: ReadableAtom<ConnectionStatus>;
}

/** Pages searched back for a reported message before giving up (100 messages each). */
const MAX_PAGES = 20;
/** How long the history waits for the socket to connect. */
const ONLINE_WAIT_MS = 15_000;

/**
 * The moderation API for an admin's client. It lives in its own module, not on
 * the client: only the moderation console needs it, and the badge and the
 * product page's bundles stay as they are.
 *
 * REST calls carry the client's own token (the one its socket runs on, or a
 * fresh one from its token provider), so the console needs no second sign-in
 * and no token of its own: whatever the page gave `configure()` is enough.
 * `fetchImpl` replaces `fetch` (a proxy, a test, a Storybook fixture).
 */
export function moderationOf(
  client: ModeratorClient,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): Moderation {
  const access = accessOf(client);
  if (!access) throw new ChatError('invalid_payload', 'moderationOf needs a client made by createChatClient.');

  const rest = async <T>(path: string, body?: object): Promise<T> => {
    const response = await callServer(access, fetchImpl, path, body);
    const answer = (await response.json().catch(() => ({}))) as T & { error?: ChatErrorBody };
    if (!response.ok) {
      throw answer.error
        ? ChatError.from(answer.error)
        : new ChatError('internal', `The server answered ${response.status}.`);
    }
    return answer;
  };
  const id = encodeURIComponent;

  // History comes through the socket: wait for it to be up (a console opened at page load races it).
  const online = () =>
    new Promise<void>((resolve, reject) => {
      let stop: (() => void) | undefined;
      const timer = setTimeout(() => {
        stop?.();
        reject(new ChatError('offline', 'Not connected to the chat server.'));
      }, ONLINE_WAIT_MS);
      stop = client.$connection.subscribe((status) => {
        if (status !== 'online') return;
        clearTimeout(timer);
        queueMicrotask(() => stop?.());
        resolve();
      });
    });
  const history = async (conversationId: string, beforeSeq: number | undefined, limit: number) =>
    await online().then(() =>
      access.request('messages:history', { conversationId, limit, ...(beforeSeq ? { beforeSeq } : {}) }),
    );

  return {
    reports: async (status = 'open') =>
      (await rest<{ reports: Report[] }>(`moderation/reports?status=${status}`)).reports,
    resolve: async (reportId, status, note) =>
      (
        await rest<{ report: Report }>(
          `moderation/reports/${id(reportId)}/resolve`,
          note ? { status, note } : { status },
        )
      ).report,
    removeMessage: async (messageId, reason) =>
      (await rest<{ message: Message }>(`moderation/messages/${id(messageId)}/remove`, { reason })).message,
    suspend: async (userId, reason) => void (await rest(`moderation/users/${id(userId)}/suspend`, { reason })),
    reinstate: async (userId, reason) => void (await rest(`moderation/users/${id(userId)}/reinstate`, { reason })),
    log: async () => (await rest<{ entries: ModerationLogEntry[] }>('moderation/log')).entries,
    search: async ({ userId, productId, q }) => {
      const query = new URLSearchParams();
      if (userId) query.set('userId', userId);
      if (productId) query.set('productId', productId);
      if (q) query.set('q', q);
      return (await rest<{ conversations: Conversation[] }>(`moderation/search?${query}`)).conversations;
    },
    conversation: async (conversationId) =>
      (await rest<{ conversation: Conversation }>(`conversations/${id(conversationId)}`)).conversation,
    async context(conversationId, messageId, around = 3) {
      if (!messageId) return (await history(conversationId, undefined, 2 * around + 1)).messages;
      // Reports are about recent messages mostly: search back from the newest page.
      let beforeSeq: number | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { messages, hasMore } = await history(conversationId, beforeSeq, 100);
        const found = messages.find((m) => m.id === messageId);
        if (found) {
          const window = await history(conversationId, found.seq + around + 1, 2 * around + 1);
          return window.messages;
        }
        if (!hasMore || messages.length === 0) break;
        beforeSeq = messages[0]?.seq;
      }
      return [];
    },
  };
}

async function callServer(
  access: ClientAccess,
  fetchImpl: typeof fetch,
  path: string,
  body: object | undefined,
): Promise<Response> {
  if (!access.url) throw new ChatError('invalid_payload', 'The moderation API needs a client with a url.');
  const headers: Record<string, string> = { authorization: `Bearer ${await access.token()}` };
  if (body) headers['content-type'] = 'application/json';
  try {
    // Relative to the server's address, which may have a path (a proxy's `/chat/`).
    const base = access.url.endsWith('/') ? access.url : `${access.url}/`;
    return await fetchImpl(new URL(`api/${path}`, base), {
      method: body ? 'POST' : 'GET',
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ChatError('offline', 'The server could not be reached.');
  }
}
