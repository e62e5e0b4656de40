import type { AckResponse, Attachment } from '@palaver/protocol';
import type {
  ClientEvent,
  PayloadOf,
  ResultOf,
  Transport,
  TransportHandlers,
  UploadOptions,
} from '../connection/transport.js';
import { ChatError } from '../errors.js';
import type { FakeChatBackend } from './fake-backend.js';

/** One client's end of the in-memory connection. */
export class FakeTransport implements Transport {
  static readonly waiting = new WeakMap<FakeChatBackend, Set<FakeTransport>>();
  private connection: ReturnType<FakeChatBackend['connect']>;
  private token: string | undefined;
  private handlers: TransportHandlers | undefined;

  constructor(private readonly backend: FakeChatBackend) {}

  get connected(): boolean {
    return this.connection !== undefined;
  }

  open(token: string, handlers: TransportHandlers): void {
    this.token = token;
    this.handlers = handlers;
    this.reconnect();
  }

  /** @internal */
  reconnect(): void {
    if (!this.token || !this.handlers) return;
    const waiting = FakeTransport.waiting.get(this.backend) ?? new Set();
    FakeTransport.waiting.set(this.backend, waiting);
    if (!this.backend.isReachable) {
      waiting.add(this);
      return;
    }
    waiting.delete(this);
    const handlers = this.handlers;
    const connection = this.backend.connect(this.token, {
      ...handlers,
      disconnected: (willRetry) => {
        this.connection = undefined;
        waiting.add(this);
        handlers.disconnected(willRetry);
      },
    });
    if (!connection) return;
    this.connection = connection;
    this.backend.deliver(() => handlers.connected());
  }

  setToken(token: string): void {
    if (this.token !== undefined) this.token = token;
  }

  close(): void {
    if (this.connection) this.backend.disconnect(this.connection);
    this.connection = undefined;
    this.token = undefined;
    FakeTransport.waiting.get(this.backend)?.delete(this);
  }

  request<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<AckResponse<ResultOf<E>>> {
    const connection = this.connection;
    if (!connection) return Promise.reject(new ChatError('offline', 'Not connected.'));
    const answer = this.backend.handle(connection.user, event, structuredClone(payload));
    return new Promise((resolve) => this.backend.deliver(() => resolve(structuredClone(answer) as never)));
  }

  async upload(file: Blob, name: string, options: UploadOptions): Promise<AckResponse<{ attachment: Attachment }>> {
    const connection = this.connection;
    if (!connection) throw new ChatError('offline', 'Not connected.');
    const answer = await this.backend.upload(connection.user, file, name, options);
    // The network went while the file was on its way.
    if (!this.connection) throw new ChatError('offline', 'The upload was interrupted.');
    return answer;
  }

  notify<E extends ClientEvent>(event: E, payload: PayloadOf<E>): void {
    if (this.connection) this.backend.handle(this.connection.user, event, payload);
  }
}
