import { isNotBlank, LIMITS, type Message } from '@palaver/protocol';
import type { Connection } from '../connection/connection.js';
import type { PayloadOf } from '../connection/transport.js';
import { ChatError, isChatError } from '../errors.js';
import { classifyFailure, type Outbox } from '../persistence/outbox.js';
import type { OutboxFile } from '../persistence/uploads.js';
import type { ChatState } from '../state/chat-state.js';
import type { ChatMessage } from '../state/types.js';
import { pendingMessage } from '../state/view.js';

function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface SendOptions {
  /** The message it answers. */
  replyToId?: string;
  /**
   * Photos and documents to send with it (at most 10). They wait in the outbox
   * with the message (in IndexedDB, so they survive a reload), are uploaded when
   * online, and the message goes once they all are. The text may then be empty.
   */
  files?: Array<File | Blob>;
}

let fileCounter = 0;
/** A picked file as the outbox keeps it. */
const outboxFile = (file: File | Blob): OutboxFile => ({
  id: `f${++fileCounter}`,
  name: (file as Partial<File>).name || 'file',
  type: file.type,
  size: file.size,
  blob: file,
});

/** Queues a message in the outbox; resolves once it is stored, with the message as shown (`queued`). */
export async function sendMessage(
  state: ChatState,
  outbox: Outbox | undefined,
  conversationId: string,
  body: string,
  options: SendOptions & { open?: PayloadOf<'conversation:open'> },
): Promise<ChatMessage> {
  const user = state.$user.get();
  if (!user || !outbox) throw new ChatError('offline', 'The client could not identify the user yet.');
  const files = options.files ?? [];
  if (!isNotBlank(body) && files.length === 0) throw new ChatError('invalid_payload', 'The message is empty.');
  if (files.length > LIMITS.attachmentsPerMessageMax) {
    throw new ChatError('invalid_payload', `At most ${LIMITS.attachmentsPerMessageMax} files per message.`);
  }
  const entry = await outbox.add({
    clientId: newClientId(),
    conversationId,
    body,
    senderId: user.id,
    createdAt: new Date().toISOString(),
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    ...(options.open ? { open: options.open } : {}),
    ...(files.length > 0 ? { files: files.map(outboxFile) } : {}),
  });
  // As it was when stored: `queued` (the store shows its later states), with the files' previews.
  const { files: _files, ...stored } = entry;
  const shown = state.$outbox.get().find((e) => e.clientId === entry.clientId);
  return pendingMessage({ ...stored, ...shown, status: 'queued' }, user.isAdmin);
}

/**
 * Edits (a body) or deletes (no body) one of the user's messages. A failure
 * rejects, and also becomes a notice (`$notices`), so the UI says what happened
 * and, where trying again may help, offers to.
 */
export async function changeMessage(
  state: ChatState,
  connection: Connection,
  messageId: string,
  body?: string,
): Promise<Message> {
  try {
    const { message } =
      body === undefined
        ? await connection.request('message:delete', { messageId })
        : await connection.request('message:edit', { messageId, body });
    state.applyMessages([message]);
    return message;
  } catch (error) {
    const { code, message } = isChatError(error) ? error : new ChatError('internal', String(error));
    state.addNotice({
      action: body === undefined ? 'delete' : 'edit',
      messageId,
      conversationId: state.conversationOfMessage(messageId),
      ...(body === undefined ? {} : { body }),
      error: { code, message },
      retryable: classifyFailure(code) !== 'fail',
    });
    throw error;
  }
}

/** Tries a notice's edit or delete again (the notice goes; a new failure brings a new one). */
export async function retryNotice(state: ChatState, connection: Connection, id: number): Promise<void> {
  const notice = state.dismissNotice(id);
  if (notice?.retryable) await changeMessage(state, connection, notice.messageId, notice.body);
}
