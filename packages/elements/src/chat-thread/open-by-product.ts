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
      this.host.opened(conversation);
    } catch (error) {
      const message = (error as Error).message;
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
