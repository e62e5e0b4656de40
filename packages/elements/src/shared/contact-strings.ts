import type { BuiltInStrings, PalaverStrings } from './i18n.js';

type ContactWords = Pick<PalaverStrings, 'contactSupplier' | 'close' | 'dialogLabel' | 'error'>;

/**
 * The words `<contact-supplier>` shows itself (the button and the dialog's
 * frame), on their own: a product page loads these and not the thread's, which
 * come with the thread's code when the dialog first opens.
 */
export const contactStrings = {
  en: {
    contactSupplier: 'Contact supplier',
    close: 'Close',
    dialogLabel: (supplier) => `Conversation with ${supplier}`,
    error: 'This conversation could not be loaded.',
  } satisfies ContactWords,
  fr: {
    contactSupplier: 'Contacter le fournisseur',
    close: 'Fermer',
    dialogLabel: (supplier) => `Conversation avec ${supplier}`,
    error: 'Impossible de charger cette conversation.',
  } satisfies ContactWords,
} satisfies BuiltInStrings;
