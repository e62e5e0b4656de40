/**
 * The words of `<chat-moderation>`, only there: the console is its own file
 * (`palaver-moderation.js`), so the thread and the product page never carry them.
 * They are part of `PalaverStrings`, so `setStrings()` translates them as any other.
 */
export interface ModerationStrings {
  moderation: string;
  reportsTab: string;
  searchTab: string;
  logTab: string;
  /** The label of the reports' status filter. */
  show: string;
  reportStatus(status: 'open' | 'resolved' | 'dismissed'): string;
  reportReasonLabel(reason: string): string;
  reportedBy(name: string, when: string): string;
  /** A report about a whole conversation rather than one message. */
  reportedConversation: string;
  /** Marks the reported message among those around it. */
  reportedMessage: string;
  reporterNote(note: string): string;
  refresh: string;
  noReports: string;
  loadingReports: string;
  loadFailed: string;
  /** The reported message is not in the conversation's history any more (or too far back). */
  contextMissing: string;
  resolutionNote: string;
  resolve: string;
  dismissReport: string;
  closedBy(status: string, who: string, when: string): string;
  remove: string;
  /** On a removed message, for moderators (who still read it). */
  removedForParticipants: string;
  suspend: string;
  reinstate: string;
  suspendedMark: string;
  reason: string;
  confirm: string;
  removeTitle: string;
  suspendTitle(name: string): string;
  reinstateTitle(name: string): string;
  participants: string;
  searchUser: string;
  searchProduct: string;
  searchText: string;
  search: string;
  searchHint: string;
  noResults: string;
  showMessages: string;
  hideMessages: string;
  logWhen: string;
  logWho: string;
  logWhat: string;
  logTarget: string;
  logWhy: string;
  emptyLog: string;
  logAction(action: string): string;
  actionFailed(message: string): string;
}

const reasonsEn: Record<string, string> = {
  spam: 'Spam',
  scam: 'Scam',
  abuse: 'Abuse',
  off_platform: 'Taking the sale off the platform',
  other: 'Other',
};
const reasonsFr: Record<string, string> = {
  spam: 'Spam',
  scam: 'Arnaque',
  abuse: 'Propos abusifs',
  off_platform: 'Vente hors de la plateforme',
  other: 'Autre',
};
const actionsEn: Record<string, string> = {
  'message.removed': 'Removed a message',
  'user.suspended': 'Suspended a user',
  'user.reinstated': 'Reinstated a user',
  'report.resolved': 'Resolved a report',
  'report.dismissed': 'Dismissed a report',
};
const actionsFr: Record<string, string> = {
  'message.removed': 'A retiré un message',
  'user.suspended': 'A suspendu un compte',
  'user.reinstated': 'A rétabli un compte',
  'report.resolved': 'A traité un signalement',
  'report.dismissed': 'A classé un signalement',
};

export const moderationStrings: { en: ModerationStrings; fr: ModerationStrings } = {
  en: {
    moderation: 'Moderation',
    reportsTab: 'Reports',
    searchTab: 'Search',
    logTab: 'Audit log',
    show: 'Show',
    reportStatus: (status) => ({ open: 'Open', resolved: 'Resolved', dismissed: 'Dismissed' })[status],
    reportReasonLabel: (reason) => reasonsEn[reason] ?? reason,
    reportedBy: (name, when) => `Reported by ${name}, ${when}`,
    reportedConversation: 'The whole conversation is reported.',
    reportedMessage: 'Reported',
    reporterNote: (note) => `Their note: “${note}”`,
    refresh: 'Refresh',
    noReports: 'No reports here.',
    loadingReports: 'Loading…',
    loadFailed: 'This could not be loaded.',
    contextMissing: 'The reported message was not found in the conversation’s history.',
    resolutionNote: 'Note (optional)',
    resolve: 'Resolve',
    dismissReport: 'Dismiss',
    closedBy: (status, who, when) => `${status} by ${who}, ${when}`,
    remove: 'Remove',
    removedForParticipants: 'Removed: participants no longer see it',
    suspend: 'Suspend',
    reinstate: 'Reinstate',
    suspendedMark: 'Suspended',
    reason: 'Reason',
    confirm: 'Confirm',
    removeTitle: 'Remove this message for its participants',
    suspendTitle: (name) => `Suspend ${name} on the whole platform`,
    reinstateTitle: (name) => `Reinstate ${name}`,
    participants: 'Participants',
    searchUser: 'User id',
    searchProduct: 'Product id',
    searchText: 'Words in a message',
    search: 'Search',
    searchHint: 'Fill in at least one field (words: two characters or more).',
    noResults: 'No conversation matches.',
    showMessages: 'Show messages',
    hideMessages: 'Hide messages',
    logWhen: 'When',
    logWho: 'Who',
    logWhat: 'What',
    logTarget: 'On',
    logWhy: 'Why',
    emptyLog: 'No moderator action yet.',
    logAction: (action) => actionsEn[action] ?? action,
    actionFailed: (message) => `That did not work: ${message}`,
  },
  fr: {
    moderation: 'Modération',
    reportsTab: 'Signalements',
    searchTab: 'Recherche',
    logTab: 'Journal',
    show: 'Afficher',
    reportStatus: (status) => ({ open: 'Ouverts', resolved: 'Traités', dismissed: 'Classés' })[status],
    reportReasonLabel: (reason) => reasonsFr[reason] ?? reason,
    reportedBy: (name, when) => `Signalé par ${name}, ${when}`,
    reportedConversation: 'Toute la conversation est signalée.',
    reportedMessage: 'Signalé',
    reporterNote: (note) => `Sa remarque : « ${note} »`,
    refresh: 'Actualiser',
    noReports: 'Aucun signalement ici.',
    loadingReports: 'Chargement…',
    loadFailed: 'Impossible de charger ceci.',
    contextMissing: 'Le message signalé est introuvable dans l’historique de la conversation.',
    resolutionNote: 'Remarque (facultative)',
    resolve: 'Traiter',
    dismissReport: 'Classer',
    closedBy: (status, who, when) => `${status} par ${who}, ${when}`,
    remove: 'Retirer',
    removedForParticipants: 'Retiré : les participants ne le voient plus',
    suspend: 'Suspendre',
    reinstate: 'Rétablir',
    suspendedMark: 'Suspendu',
    reason: 'Motif',
    confirm: 'Confirmer',
    removeTitle: 'Retirer ce message pour ses participants',
    suspendTitle: (name) => `Suspendre ${name} sur toute la plateforme`,
    reinstateTitle: (name) => `Rétablir ${name}`,
    participants: 'Participants',
    searchUser: 'Identifiant d’utilisateur',
    searchProduct: 'Identifiant de produit',
    searchText: 'Mots d’un message',
    search: 'Rechercher',
    searchHint: 'Remplissez au moins un champ (mots : deux caractères ou plus).',
    noResults: 'Aucune conversation ne correspond.',
    showMessages: 'Voir les messages',
    hideMessages: 'Masquer les messages',
    logWhen: 'Quand',
    logWho: 'Qui',
    logWhat: 'Quoi',
    logTarget: 'Sur',
    logWhy: 'Pourquoi',
    emptyLog: 'Aucune action de modération pour l’instant.',
    logAction: (action) => actionsFr[action] ?? action,
    actionFailed: (message) => `Cela n’a pas fonctionné : ${message}`,
  },
};
