import { CONVERSATION_PLACEHOLDER, type EmailSettings } from '../config.js';
import { signUnsubscribe } from './unsubscribe-token.js';

/** Where an email's links lead. */
export interface EmailLinks {
  conversation(conversationId: string): string;
  unsubscribe(userId: string): string;
}

/** The path of the unsubscribe endpoint on this server (GET: a page with a button; POST: RFC 8058 one-click). */
export const UNSUBSCRIBE_PATH = '/email/unsubscribe';

/**
 * The links of digest emails. `publicUrl` is read when an email is sent, not
 * at start: the demo learns its address only once it listens.
 */
export function emailLinks(settings: EmailSettings, secret: string, publicUrl: () => string): EmailLinks {
  return {
    conversation(conversationId) {
      const template = settings.conversationUrl ?? `${publicUrl()}/messages?conversation=${CONVERSATION_PLACEHOLDER}`;
      return template.replaceAll(CONVERSATION_PLACEHOLDER, encodeURIComponent(conversationId));
    },
    unsubscribe(userId) {
      return `${publicUrl()}${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(signUnsubscribe(secret, userId))}`;
    },
  };
}
