import { type ErrorCode, PERMANENT_ERROR_CODES } from '@palaver/protocol';
import type { ChatClient, Conversation, OpenProductConversationInput } from '@palaver/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface OpenByProductHost extends ReactiveControllerHost {
  /** The conversation is known. */
  opened(conversation: Conversation): void;
}

/**
 * Opening (get-or-create) the conversation about a product. When that fails
 * (offline, never opened before) it tries again once the connection is back —
 * but only while the element is on the page.
 */
export class OpenByProductController implements ReactiveController {
  /** Why the last attempt failed, if it did. */
  error: string | undefined;
  /** The last attempt was refused for good (trying again gives the same answer): nothing can be sent. */
  permanent = false;
  private opening: string | undefined;
  private stopWaiting: (() => void) | undefined;

  constructor(private readonly host: OpenByProductHost) {
    host.addController(this);
  }

  async open(client: ChatClient, input: OpenProductConversationInput): Promise<void> {
    const key = JSON.stringify(input);
    if (this.opening === key) return;
    this.opening = key;
    this.stopWaiting?.();
    try {
      await client.connect();
      const conversation = await client.openProductConversation(input);
      this.error = undefined;
      this.permanent = false;
      this.host.opened(conversation);
    } catch (error) {
      const message = (error as Error).message;
      this.permanent = PERMANENT_ERROR_CODES.has((error as { code?: ErrorCode }).code as ErrorCode);
      if (message !== this.error) {
        this.error = message;
        this.host.requestUpdate();
      }
      // Offline and never opened before: try again when the connection is back
      // (until then `opening` keeps the element's updates from asking again).
      const stop = client.$connection.listen((status) => {
        if (status !== 'online') return;
        stop();
        this.stopWaiting = undefined;
        this.opening = undefined;
        void this.open(client, input);
      });
      this.stopWaiting = stop;
    }
  }

  hostConnected(): void {
    // Back on the page after a failed attempt: the element's next update asks again.
    if (this.error !== undefined) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stopWaiting?.();
    this.stopWaiting = undefined;
    this.opening = undefined;
  }
}
