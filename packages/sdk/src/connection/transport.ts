import type {
  AckResponse,
  Attachment,
  ClientToServerEvents,
  ServerToClientEvents,
  UnreadCounts,
} from '@palaver/protocol';

export type ClientEvent = keyof ClientToServerEvents;
export type ServerEvent = keyof ServerToClientEvents;
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
export type ResultOf<E extends ClientEvent> =
  NonNullable<Parameters<ClientToServerEvents[E]>[1]> extends (response: AckResponse<infer R>) => void ? R : never;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Why a connection attempt was refused: the server's `connect_error` data. */
export interface RefusedReason {
  code: 'unauthorized' | 'token_expired' | string;
  message: string;
}

export interface TransportHandlers {
  connected(): void;
  /**
   * The connection was lost; `willRetry` tells whether the transport reconnects
   * by itself, `byServer` that the server closed it (it will not).
   */
  disconnected(willRetry: boolean, byServer?: boolean): void;
  /** The server refused the connection (bad or expired token). The transport does not retry. */
  refused(reason: RefusedReason): void;
  /** A server event; `unread`: the counts a `message:new` gave this user, when they ride on it. */
  event<E extends ServerEvent>(event: E, payload: ServerPayload<E>, unread?: UnreadCounts): void;
}

/**
 * What the client needs from a connection to a Palaver server. The Socket.IO
 * transport is the real one; `@palaver/sdk/testing` has an in-memory one.
 */
export interface Transport {
  readonly connected: boolean;
  /** Starts connecting (and reconnecting after network losses) with this token. */
  open(token: string, handlers: TransportHandlers): void;
  /** Stops, and does not reconnect. */
  close(): void;
  /** The token for the transport's next reconnections (the server took it with `auth:refresh`). */
  setToken(token: string): void;
  /**
   * Sends a client event and resolves with the server's ack. Rejects with a
   * transport error when not connected or when no ack comes within `timeoutMs`:
   * nothing is buffered for later, the caller decides what to retry.
   */
  request<E extends ClientEvent>(event: E, payload: PayloadOf<E>, timeoutMs: number): Promise<AckResponse<ResultOf<E>>>;
  /** Fire-and-forget (typing). Dropped when not connected. */
  notify<E extends ClientEvent>(event: E, payload: PayloadOf<E>): void;
  /**
   * Uploads one file (`POST /api/attachments`) and resolves with the server's
   * answer. Rejects with a `ChatError` (`offline`) when the network failed, and
   * with an `AbortError` when `signal` aborted it. Optional: a transport
   * without it cannot send files.
   */
  upload?(file: Blob, name: string, options: UploadOptions): Promise<AckResponse<{ attachment: Attachment }>>;
}

export interface UploadOptions {
  /** Bytes sent so far, of `total`. */
  onProgress?(sent: number, total: number): void;
  signal?: AbortSignal;
}
