/**
 * The drop-in: one file with the SDK, every element and their dependencies.
 *
 * ```html
 * <script type="module">
 *   import { configure } from 'https://cdn.example/palaver.js';
 *   configure({ url: 'https://chat.shop.example', token: () => fetch('/palaver-token').then((r) => r.text()) });
 * </script>
 * <unread-badge></unread-badge>
 * <chat-thread product-id="sku-42" product-title="Stoneware mug" supplier-id="s-7" supplier-name="Nordlys"></chat-thread>
 * ```
 */
import './define.js';

export { ChatError, createChatClient, isChatError } from '@palaver/sdk';
export * from './index.js';
