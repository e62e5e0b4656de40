/**
 * The words of Palaver's elements. English and French are built in; every
 * string can be replaced for one language with `setStrings()` (page-wide) or
 * through an element's `strings` property (that element only). An element's
 * language is its own `lang`, else its closest ancestor's, else the page's.
 */
export interface PalaverStrings {
  unreadLabel(count: number): string;
  messages: string;
  composerLabel: string;
  composerPlaceholder: string;
  send: string;
  queued: string;
  sending: string;
  sent: string;
  read: string;
  failed: string;
  retry: string;
  discard: string;
  edit: string;
  delete: string;
  save: string;
  cancel: string;
  deleted: string;
  edited: string;
  staff: string;
  you: string;
  typing(names: string[]): string;
  newMessages: string;
  loadingOlder: string;
  empty: string;
  loading: string;
  offline: string;
  error: string;
  charactersLeft(count: number): string;
  charactersOver(count: number): string;
  today: string;
  yesterday: string;
  productLabel(title: string): string;
  messageActions: string;
  conversations: string;
  unreadOnly: string;
  noUnread: string;
  noConversations: string;
  back: string;
  pickConversation: string;
  contactSupplier: string;
  close: string;
  dialogLabel(supplier: string): string;
}

const list = (names: string[], and: string) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;

export const en: PalaverStrings = {
  unreadLabel: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  messages: 'Messages',
  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  edit: 'Edit',
  delete: 'Delete',
  save: 'Save',
  cancel: 'Cancel',
  deleted: 'Message deleted',
  edited: 'edited',
  staff: 'Staff',
  you: 'You',
  typing: (names) => (names.length === 1 ? `${names[0]} is typing…` : `${list(names, 'and')} are typing…`),
  newMessages: 'New messages',
  loadingOlder: 'Loading older messages…',
  empty: 'No messages yet. Say hello!',
  loading: 'Loading the conversation…',
  offline: 'You are offline. Your messages will be sent when you are back online.',
  error: 'This conversation could not be loaded.',
  charactersLeft: (n) => (n === 1 ? '1 character left' : `${n} characters left`),
  charactersOver: (n) => (n === 1 ? '1 character too many' : `${n} characters too many`),
  today: 'Today',
  yesterday: 'Yesterday',
  productLabel: (title) => `About: ${title}`,
  messageActions: 'Message actions',
  conversations: 'Conversations',
  unreadOnly: 'Unread only',
  noUnread: 'No unread conversations.',
  noConversations: 'No conversations yet.',
  back: 'All conversations',
  pickConversation: 'Choose a conversation.',
  contactSupplier: 'Contact supplier',
  close: 'Close',
  dialogLabel: (supplier) => `Conversation with ${supplier}`,
};

export const fr: PalaverStrings = {
  unreadLabel: (n) => (n === 1 ? '1 message non lu' : `${n} messages non lus`),
  messages: 'Messages',
  composerLabel: 'Message',
  composerPlaceholder: 'Écrire un message…',
  send: 'Envoyer',
  queued: 'En attente d’envoi',
  sending: 'Envoi en cours',
  sent: 'Envoyé',
  read: 'Lu',
  failed: 'Non envoyé',
  retry: 'Réessayer',
  discard: 'Abandonner',
  edit: 'Modifier',
  delete: 'Supprimer',
  save: 'Enregistrer',
  cancel: 'Annuler',
  deleted: 'Message supprimé',
  edited: 'modifié',
  staff: 'Équipe',
  you: 'Vous',
  typing: (names) => (names.length === 1 ? `${names[0]} écrit…` : `${list(names, 'et')} écrivent…`),
  newMessages: 'Nouveaux messages',
  loadingOlder: 'Chargement des messages précédents…',
  empty: 'Pas encore de message. Dites bonjour !',
  loading: 'Chargement de la conversation…',
  offline: 'Vous êtes hors ligne. Vos messages partiront dès le retour de la connexion.',
  error: 'Impossible de charger cette conversation.',
  charactersLeft: (n) => (n === 1 ? '1 caractère restant' : `${n} caractères restants`),
  charactersOver: (n) => (n === 1 ? '1 caractère de trop' : `${n} caractères de trop`),
  today: 'Aujourd’hui',
  yesterday: 'Hier',
  productLabel: (title) => `À propos de : ${title}`,
  messageActions: 'Actions sur le message',
  conversations: 'Conversations',
  unreadOnly: 'Non lues seulement',
  noUnread: 'Aucune conversation non lue.',
  noConversations: 'Pas encore de conversation.',
  back: 'Toutes les conversations',
  pickConversation: 'Choisissez une conversation.',
  contactSupplier: 'Contacter le fournisseur',
  close: 'Fermer',
  dialogLabel: (supplier) => `Conversation avec ${supplier}`,
};

const catalog = new Map<string, PalaverStrings>([
  ['en', en],
  ['fr', fr],
]);

/** Adds or overrides strings for a language ('de', 'fr', …), page-wide. */
export function setStrings(language: string, strings: Partial<PalaverStrings>): void {
  const base = catalog.get(language.toLowerCase()) ?? en;
  catalog.set(language.toLowerCase(), { ...base, ...strings });
}

/** The element's language: its `lang`, its closest ancestor's, the page's, or the browser's. */
export function languageOf(element: Element): string {
  const tagged = element.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
  return (tagged || navigator.language || 'en').toLowerCase();
}

/** The strings for a language tag ('fr-CA' → French), with per-element overrides on top. */
export function stringsFor(language: string, overrides?: Partial<PalaverStrings>): PalaverStrings {
  const base = catalog.get(language) ?? catalog.get(language.split('-')[0] ?? 'en') ?? en;
  return overrides ? { ...base, ...overrides } : base;
}
