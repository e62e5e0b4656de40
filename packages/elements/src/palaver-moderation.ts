/**
 * The moderation console for the marketplace's staff, as a file of its own:
 * `palaver-moderation.js`, beside `palaver.js`. Product pages never load it;
 * the support desk adds it after `palaver.js`:
 *
 * ```html
 * <script type="module">
 *   import { configure } from 'https://cdn.example/palaver.js';
 *   import 'https://cdn.example/palaver-moderation.js';
 *   configure({ url: 'https://chat.shop.example', token: fetchAdminToken });
 * </script>
 * <chat-moderation></chat-moderation>
 * ```
 *
 * It uses the page's client (`configure()`, from whichever copy of Palaver):
 * the admin's token and socket are that client's.
 */
import './chat-moderation/define.js';

export { type Moderation, moderationOf } from '@palaver/sdk';
export { ChatModeration } from './chat-moderation/chat-moderation.js';
export { moderationStrings } from './chat-moderation/moderation-strings.js';
