import type { DigestConversation, DigestSnapshot } from './email-digest.js';

/**
 * A digest as an email, in the recipient's language: a pure function of the
 * snapshot, so what the tests and the demo's mailbox show is exactly what is
 * sent. Everything quoted (names, titles, message text) is user input: the
 * HTML part escapes it, and the subject keeps it on one line.
 */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** BCP 47 tag from the server API; French for `fr…`, English otherwise. */
  locale: string | undefined;
  recipientName: string;
  /** The link back to a conversation. */
  conversationUrl(conversationId: string): string;
  unsubscribeUrl: string;
}

/** Longest quote of one message, in characters: a digest points to the chat, it does not replace it. */
const QUOTE_MAX = 500;

type Language = 'en' | 'fr';

interface Strings {
  someone: string;
  marketplace: string;
  untitled: string;
  attachment(count: number): string;
  subjectOne(sender: string, count: number, title: string): string;
  subjectMany(count: number, conversations: number): string;
  greeting(name: string): string;
  unreadIn(count: number, title: string): string;
  more(count: number): string;
  open: string;
  why: string;
  unsubscribe: string;
}

const STRINGS: Record<Language, Strings> = {
  en: {
    someone: 'Someone',
    marketplace: 'The marketplace',
    untitled: 'your conversation',
    attachment: (count) => (count === 1 ? '[1 attachment]' : `[${count} attachments]`),
    subjectOne: (sender, count, title) =>
      count === 1
        ? `${sender} sent you a message about ${title}`
        : `${sender} sent you ${count} messages about ${title}`,
    subjectMany: (count, conversations) => `You have ${count} unread messages in ${conversations} conversations`,
    greeting: (name) => `Hello ${name},`,
    unreadIn: (count, title) =>
      count === 1 ? `1 unread message about ${title}` : `${count} unread messages about ${title}`,
    more: (count) => (count === 1 ? '… and 1 earlier message' : `… and ${count} earlier messages`),
    open: 'Open the conversation',
    why: 'You get this email because messages were waiting for you while you were away.',
    unsubscribe: 'Stop these emails',
  },
  fr: {
    someone: 'Quelqu’un',
    marketplace: 'La place de marché',
    untitled: 'votre conversation',
    attachment: (count) => (count === 1 ? '[1 pièce jointe]' : `[${count} pièces jointes]`),
    subjectOne: (sender, count, title) =>
      count === 1
        ? `${sender} vous a écrit à propos de « ${title} »`
        : `${sender} vous a envoyé ${count} messages à propos de « ${title} »`,
    subjectMany: (count, conversations) => `Vous avez ${count} messages non lus dans ${conversations} conversations`,
    greeting: (name) => `Bonjour ${name},`,
    unreadIn: (count, title) =>
      count === 1 ? `1 message non lu à propos de « ${title} »` : `${count} messages non lus à propos de « ${title} »`,
    more: (count) => (count === 1 ? '… et 1 message plus ancien' : `… et ${count} messages plus anciens`),
    open: 'Ouvrir la conversation',
    why: 'Vous recevez cet e-mail parce que des messages vous attendaient pendant votre absence.',
    unsubscribe: 'Ne plus recevoir ces e-mails',
  },
};

export function languageOf(locale: string | undefined): Language {
  return locale?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function renderDigest(snapshot: DigestSnapshot, options: RenderOptions): RenderedEmail {
  const t = STRINGS[languageOf(options.locale)];
  const sections = snapshot.conversations.map((conversation) => section(conversation, t, options));
  const first = snapshot.conversations[0];
  const subject =
    snapshot.conversations.length === 1 && first
      ? t.subjectOne(senderOf(first, t), first.unreadCount, titleOf(first, t))
      : t.subjectMany(snapshot.totalUnread, snapshot.conversations.length);
  const text = [
    t.greeting(options.recipientName),
    '',
    ...sections.flatMap((s) => [
      s.heading,
      ...(s.more ? [`  ${s.more}`] : []),
      ...s.quotes.map((q) => `  ${q.sender}: ${q.body}`),
      `${t.open}: ${s.url}`,
      '',
    ]),
    '-- ',
    t.why,
    `${t.unsubscribe}: ${options.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = `<!DOCTYPE html>
<html lang="${languageOf(options.locale)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1f2328;max-width:36rem;margin:0 auto;padding:1rem">
<p>${escapeHtml(t.greeting(options.recipientName))}</p>
${sections
  .map(
    (s) => `<h2 style="font-size:1.05rem">${escapeHtml(s.heading)}</h2>
${s.more ? `<p style="color:#59636e">${escapeHtml(s.more)}</p>\n` : ''}${s.quotes
  .map(
    (q) =>
      `<blockquote style="margin:.5rem 0;padding:.25rem .75rem;border-left:3px solid #d1d9e0"><strong>${escapeHtml(q.sender)}</strong><br>${escapeHtml(q.body).replace(/\n/g, '<br>')}</blockquote>`,
  )
  .join('\n')}
<p><a href="${escapeHtml(s.url)}">${escapeHtml(t.open)}</a></p>`,
  )
  .join('\n')}
<hr style="border:0;border-top:1px solid #d1d9e0">
<p style="color:#59636e;font-size:.85rem">${escapeHtml(t.why)} <a href="${escapeHtml(options.unsubscribeUrl)}">${escapeHtml(t.unsubscribe)}</a></p>
</body></html>
`;
  return { subject: oneLine(subject), text, html };
}

function section(conversation: DigestConversation, t: Strings, options: RenderOptions) {
  const quotes = conversation.messages.map((message) => ({
    sender: message.senderName ?? t.marketplace,
    body: quote(message.body, message.attachments, t),
  }));
  const earlier = conversation.unreadCount - conversation.messages.length;
  return {
    heading: t.unreadIn(conversation.unreadCount, titleOf(conversation, t)),
    more: earlier > 0 ? t.more(earlier) : undefined,
    quotes,
    url: options.conversationUrl(conversation.conversationId),
  };
}

/** Who wrote the newest message (the one a subject names). */
function senderOf(conversation: DigestConversation, t: Strings): string {
  const newest = conversation.messages.at(-1);
  if (!newest) return t.someone;
  return newest.senderName ?? t.marketplace;
}

function titleOf(conversation: DigestConversation, t: Strings): string {
  return conversation.title?.trim() || t.untitled;
}

function quote(body: string, attachments: number, t: Strings): string {
  const text = body.length > QUOTE_MAX ? `${body.slice(0, QUOTE_MAX)}…` : body;
  if (attachments === 0) return text;
  return text ? `${text} ${t.attachment(attachments)}` : t.attachment(attachments);
}

/** Line breaks in a subject would end the header: names and titles are user input. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
