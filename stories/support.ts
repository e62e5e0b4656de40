/**
 * A small marketplace in memory for the stories: people, products and a
 * FakeChatBackend (the SDK's in-memory server). Each story builds its own
 * world, so stories never share state.
 */
import type { ChatUser } from '@palaver/protocol';
import { type ChatClient, createChatClient } from '@palaver/sdk';
import { type FakeBackendOptions, FakeChatBackend, fakeToken } from '@palaver/sdk/testing';

export const buyer: ChatUser = { id: 'buyer-alice', name: 'Alice Martin', isAdmin: false };
export const otherBuyer: ChatUser = { id: 'buyer-bruno', name: 'Bruno Keller', isAdmin: false };
export const supplier: ChatUser = { id: 'supplier-nordlys', name: 'Nordlys Ceramics', isAdmin: false };
export const admin: ChatUser = { id: 'admin-sam', name: 'Sam from Support', isAdmin: true };

/** Product images drawn inline, so the stories work offline. */
const swatch = (color: string) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="6" fill="${color}"/><circle cx="20" cy="22" r="10" fill="#fff" opacity=".8"/></svg>`)}`;

export const mug = {
  id: 'p-mug',
  title: 'Stoneware mug, speckled glaze',
  price: '€18.00',
  imageUrl: swatch('#c2703d'),
};
export const bowl = { id: 'p-bowl', title: 'Large serving bowl', price: '€46.00', imageUrl: swatch('#3d7cc2') };
export const vase = { id: 'p-vase', title: 'Bud vase trio', price: '€32.00', imageUrl: swatch('#4f9a62') };

let worlds = 0;

export interface World {
  backend: FakeChatBackend;
  client(user: ChatUser, options?: { connect?: boolean }): ChatClient;
}

export function world(options: FakeBackendOptions = {}): World {
  const backend = new FakeChatBackend(options);
  const id = ++worlds;
  return {
    backend,
    client(user, { connect = true } = {}) {
      const client = createChatClient({
        transport: backend.transport(),
        token: fakeToken({ id: user.id, name: user.name, admin: user.isAdmin }),
        storage: 'memory',
        namespace: `story-${id}-${Math.random()}`,
      });
      if (connect) void client.connect();
      return client;
    },
  };
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** A short, believable exchange about the mug. */
export function seedConversation(w: World) {
  const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
  w.backend.seedMessage(buyer, conversation.id, 'Hello! Is the mug dishwasher safe?', minutesAgo(60 * 26));
  w.backend.seedMessage(supplier, conversation.id, 'Hi Alice, yes it is, and microwave safe too.', minutesAgo(60 * 25));
  w.backend.seedMessage(buyer, conversation.id, 'Great. Do you have it in blue?\nOr only speckled?', minutesAgo(12));
  w.backend.seedMessage(
    supplier,
    conversation.id,
    'Only speckled for now — photos here: https://example.com/mug',
    minutesAgo(3),
  );
  return conversation;
}

/** Resolves once `check` passes (checked every frame), or fails after `ms`. */
export async function waitUntil(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Story check failed: ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

export function shadow(host: Element | null | undefined, selector: string): HTMLElement | null {
  return host?.shadowRoot?.querySelector<HTMLElement>(selector) ?? null;
}

export function shadowAll(host: Element | null | undefined, selector: string): HTMLElement[] {
  return [...(host?.shadowRoot?.querySelectorAll<HTMLElement>(selector) ?? [])];
}

export const darkTokens =
  '--chat-color-surface:#101418;--chat-color-text:#e6edf3;--chat-color-accent:#2f81f7;--chat-color-on-accent:#0d1117;';
