import type { DeleteMessageInput, EditMessageInput, HistoryInput, HistoryResult, Message } from '@palaver/protocol';
import { canChangeMessage, LIMITS, MARKETPLACE_SENDER, type SendMessageInput } from '@palaver/protocol';
import { SENDABLE_MS } from '../attachments/attachment-service.js';
import { type AttachmentRecord, AttachmentUnavailable, recordOf } from '../db/attachments.js';
import type { ChatStore, ConversationAccess, StoredMessage } from '../db/store.js';
import { ChatError } from '../errors.js';
import { type AccessRules, audienceOf } from './access.js';
import type { Actor } from './actor.js';
import { type ConversationService, unreadNotices } from './conversations.js';
import type { GroupCommit, Turn } from './group-commit.js';
import { type Limits, rateLimited, takeSlot } from './limits.js';
import { ADMIN_VIEWER, type ContactMaskingPolicy, messageFor, updatedNotices } from './masking.js';
import { type Notice, type Outcome, toAdmins, toConversation, toUsers } from './notices.js';
import type { SafetyService } from './safety.js';

/** Sending, editing, deleting and paging through messages. */
export class MessageService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly conversations: ConversationService,
    private readonly commits: GroupCommit,
    private readonly limits: Limits,
    private readonly onStored: () => void,
    private readonly safety: SafetyService,
    /** Hides contact details from the other side (`CONTACT_MASKING`); absent when off. */
    private readonly masking?: ContactMaskingPolicy,
    /** Told when uploads were discarded (a deleted message, an erased user): their files can go. */
    private readonly onAttachmentsDiscarded: () => void = () => {},
  ) {}

  /** The text the other side of a product conversation reads, when the masker hides something. */
  private maskedBody(access: ConversationAccess, body: string): string | undefined {
    // Support conversations are with the marketplace's own staff: nothing to hide from them.
    if (!this.masking || access.kind !== 'product') return undefined;
    const result = this.masking.mask(body);
    if (!result.masked) return undefined;
    this.masking.onMasked(result.kinds);
    return result.text;
  }

  /**
   * Checks a send at once (membership, length, rate limit), then queues it for
   * the next group commit.
   *
   * A resend of a known clientId (a client retrying after a lost ack) is found
   * by the store's unique index when it is inserted, and answered with the
   * message stored the first time — not looked up before every send.
   */
  async send(actor: Actor, input: SendMessageInput): Promise<Outcome<Message>> {
    // Taken at once, before any check waits for the database: a socket's sends are stored in the order they came.
    const turn = this.commits.turn(actor.socketId ?? actor.user.id);
    try {
      return await this.checkAndStore(actor, input, turn);
    } finally {
      turn.done();
    }
  }

  private async checkAndStore(actor: Actor, input: SendMessageInput, turn: Turn): Promise<Outcome<Message>> {
    const { user } = actor;
    const { access, joinAsAgent } = await this.rules.writable(user, input.conversationId);
    await this.safety.assertMayWrite(user.id, access);
    let attachments: AttachmentRecord[] | undefined;
    try {
      attachments = await this.attachmentsOf(actor, input.attachmentIds ?? [], access);
    } catch (error) {
      // A resend finds its uploads bound to the message it stored the first time.
      const known = await this.store.messageByClientId(user.id, input.clientId);
      if (known) return { result: messageFor(user, resent(known, input.conversationId)), notices: [] };
      throw error;
    }
    // With attachments a message may have no text.
    const body = attachments && input.body.trim() === '' ? '' : this.rules.checkedBody(input.body);
    if (input.replyToId !== undefined) {
      const quoted = await this.store.messageById(input.replyToId);
      if (!quoted || quoted.conversationId !== access.id) {
        throw new ChatError('invalid_payload', 'replyToId must name a message of the same conversation.');
      }
    }
    const slot = await this.limits.messages.take(user.id);
    if (!slot.allowed) {
      // A resend is answered even when the sender is throttled: it adds nothing.
      const known = await this.store.messageByClientId(user.id, input.clientId);
      if (known) return { result: messageFor(user, resent(known, input.conversationId)), notices: [] };
      throw rateLimited('messages', slot.retryAfterMs);
    }
    const maskedBody = body === '' ? undefined : this.maskedBody(access, body);
    const stored = await this.commits
      .add(
        {
          conversationId: access.id,
          sender: user,
          clientId: input.clientId,
          body,
          ...(maskedBody !== undefined ? { maskedBody } : {}),
          joinAsAgent,
          ...(input.replyToId !== undefined ? { replyToId: input.replyToId } : {}),
          ...(attachments ? { attachments } : {}),
        },
        turn,
      )
      .catch((error: unknown) => {
        // Sent with another message meanwhile (two sends naming the same upload at once).
        if (error instanceof AttachmentUnavailable) throw unavailable(error.attachmentId);
        throw error;
      });
    if (!stored.created) {
      // A resend of a stored message adds nothing: it does not count against the limit.
      await slot.giveBack();
      return { result: messageFor(user, resent(stored.message, access.id)), notices: [] };
    }
    this.onStored();
    return { result: messageFor(user, stored.message), notices: await this.afterStored(actor, access, stored) };
  }

  /**
   * The uploads a send names, in its order, as the message will keep them
   * (file names masked for the other side like the text): each must be an
   * upload of the sender, not sent with another message, and young enough
   * that the sweeper is not about to remove it. Otherwise `not_found`.
   */
  private async attachmentsOf(
    { user }: Actor,
    ids: readonly string[],
    access: ConversationAccess,
  ): Promise<AttachmentRecord[] | undefined> {
    if (ids.length === 0) return undefined;
    if (new Set(ids).size !== ids.length) throw new ChatError('invalid_payload', 'An attachment is named twice.');
    const uploads = new Map((await this.store.attachments.byIds(ids)).map((upload) => [upload.id, upload]));
    const sendableSince = Date.now() - SENDABLE_MS;
    return ids.map((id) => {
      const upload = uploads.get(id);
      if (
        !upload ||
        upload.uploaderId !== user.id ||
        upload.messageId ||
        Date.parse(upload.createdAt) < sendableSince
      ) {
        throw unavailable(id);
      }
      return recordOf(upload, this.maskedName(access, upload.name));
    });
  }

  /** A file name as the other side reads it, when the masker hides something in it (the extension stays). */
  private maskedName(access: ConversationAccess, name: string): string | undefined {
    // Without its extension: `me@shop.example.pdf` would not read as an address.
    const dot = name.lastIndexOf('.');
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const masked = this.maskedBody(access, stem);
    return masked === undefined ? undefined : masked + name.slice(stem.length);
  }

  /** Discards every upload of a user (erasure): their files are removed by the next sweep. */
  async discardUploadsOf(userId: string): Promise<void> {
    if ((await this.store.attachments.discardUploadsOf(userId, new Date().toISOString())) > 0) {
      this.onAttachmentsDiscarded();
    }
  }

  /** What follows a stored message: typing stops, the message and the new counts go out. */
  private async afterStored(actor: Actor, checkedAccess: ConversationAccess, stored: StoredMessage): Promise<Notice[]> {
    const { user } = actor;
    const { message } = stored;
    // An agent who joined by writing is in the audience from this message on.
    const access = stored.joined ? await this.rules.find(checkedAccess.id, true) : checkedAccess;
    // Everything below is synchronous, so the notices of one batch keep the order of their messages.
    const notices: Notice[] = [{ to: 'typing-ended', userId: user.id, conversationId: access.id }];
    // Everyone else has one more unread message here: their counts ride on the message.
    const countsOf = new Map((stored.unreadAfter ?? []).map((entry) => [entry.userId, entry]));
    for (const userId of access.participantIds) {
      const counts = countsOf.get(userId);
      notices.push({
        to: 'new-message',
        userId,
        // The sender's other tabs read their own text; everyone else what they may see.
        message: userId === user.id ? messageFor(user, message) : message,
        ...(counts && userId !== user.id
          ? { unread: { total: counts.total, conversations: { [access.id]: counts.unread } } }
          : {}),
        ...(actor.socketId ? { exceptSocketId: actor.socketId } : {}),
      });
    }
    if (access.kind === 'support') {
      notices.push(toAdmins('message:new', messageFor(ADMIN_VIEWER, message), access.participantIds));
    }
    // The sender's pointer moved onto their own message: if it passed messages
    // from others, their unread count changed and the others may show ✓✓.
    const mine = countsOf.get(user.id);
    if ((stored.previousUnread ?? 0) > 0 && mine) {
      notices.push(
        toConversation(audienceOf(access), 'read', {
          conversationId: access.id,
          userId: user.id,
          seq: message.seq,
          readAt: message.createdAt,
        }),
        // All of the sender's sockets, the one that sent included (its ack has no counts).
        toUsers([user.id], 'unread', { total: mine.total, conversations: { [access.id]: mine.unread } }),
      );
    }
    // The first message is where the other side first hears of the conversation (and an agent's join is news).
    if (stored.joined || message.seq === 1) notices.push(...(await this.conversations.announce(access.id)));
    return notices;
  }

  private async own(actor: Actor, messageId: string, change: 'edit' | 'delete') {
    const { user } = actor;
    const message = await this.store.messageById(messageId);
    if (!message) throw new ChatError('not_found', 'No such message.');
    const access = await this.rules.readable(user, message.conversationId);
    if (!canChangeMessage(user, message.senderId, change)) {
      throw new ChatError('forbidden', 'You can only change your own messages.');
    }
    return { message, access };
  }

  async edit(actor: Actor, input: EditMessageInput): Promise<Outcome<Message>> {
    const { message, access } = await this.own(actor, input.messageId, 'edit');
    if (message.deletedAt) throw new ChatError('invalid_payload', 'A deleted message cannot be edited.');
    const body = this.rules.checkedBody(input.body);
    const current = messageFor(actor.user, message);
    if (body === current.body) return { result: current, notices: [] };
    // Counted once it would write: a repeated edit to the same text costs nothing and is free.
    await takeSlot(this.limits, 'edits', actor.user.id);
    const edited = await this.store.editMessage(message.id, body, this.maskedBody(access, body));
    return { result: messageFor(actor.user, edited), notices: updatedNotices(audienceOf(access), edited) };
  }

  async delete(actor: Actor, input: DeleteMessageInput): Promise<Outcome<Message>> {
    const { message, access } = await this.own(actor, input.messageId, 'delete');
    if (message.deletedAt) return { result: message, notices: [] };
    await takeSlot(this.limits, 'deletes', actor.user.id);
    return this.tombstone(message.id, access);
  }

  /**
   * Blanks a message for everyone, with no question asked of who wants it: the
   * caller checked (a sender, a moderator, or the marketplace erasing a user).
   */
  async tombstone(messageId: string, access?: ConversationAccess): Promise<Outcome<Message>> {
    const deleted = await this.store.deleteMessage(messageId);
    // Its uploads (if any) were discarded with it: their files go soon rather than at the next round.
    this.onAttachmentsDiscarded();
    const audience = access ?? (await this.rules.find(deleted.message.conversationId));
    return {
      result: deleted.message,
      notices: [
        toConversation(audienceOf(audience), 'message:updated', deleted.message),
        // Whoever had not read it yet has one unread message fewer.
        ...(await unreadNotices(this.store, deleted.unreadChangedFor, [audience.id])),
      ],
    };
  }

  /**
   * A message from the marketplace itself (an order update), sent by its
   * backend through the server API: no membership, no rate limit; unread for
   * every participant. A resent `clientId` is answered with the first one.
   */
  async sendAsMarketplace(
    conversationId: string,
    input: { clientId: string; body: string },
  ): Promise<Outcome<Message>> {
    const access = await this.rules.find(conversationId, true);
    const body = this.rules.checkedBody(input.body);
    const turn = this.commits.turn(MARKETPLACE_SENDER.id);
    try {
      const stored = await this.commits.add(
        { conversationId: access.id, sender: MARKETPLACE_SENDER, clientId: input.clientId, body, joinAsAgent: false },
        turn,
      );
      if (!stored.created) return { result: resent(stored.message, access.id), notices: [] };
      this.onStored();
      return { result: stored.message, notices: await this.afterStored({ user: MARKETPLACE_SENDER }, access, stored) };
    } finally {
      turn.done();
    }
  }

  async history({ user }: Actor, input: HistoryInput): Promise<HistoryResult> {
    const access = await this.rules.readable(user, input.conversationId);
    const page = await this.store.history(access.id, input.beforeSeq, input.limit ?? LIMITS.pageSizeDefault);
    return { ...page, messages: page.messages.map((message) => messageFor(user, message)) };
  }
}

/** The answer to a clientId seen before: the stored message, if it belongs to the same conversation. */
function resent(known: Message, conversationId: string): Message {
  if (known.conversationId !== conversationId) {
    throw new ChatError('invalid_payload', 'This clientId was already used in another conversation.');
  }
  return known;
}

function unavailable(id: string): ChatError {
  return new ChatError('not_found', `No unsent upload of yours has the id ${id}.`);
}
