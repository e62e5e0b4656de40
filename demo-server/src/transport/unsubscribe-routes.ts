import type express from 'express';
import type { DirectoryStore } from '../db/directory.js';
import { UNSUBSCRIBE_PATH } from '../notify/email-links.js';
import { escapeHtml, languageOf } from '../notify/email-render.js';
import { verifyUnsubscribe } from '../notify/unsubscribe-token.js';

const PAGES = {
  en: {
    title: 'Email notifications',
    ask: 'Stop emails about unread messages?',
    button: 'Unsubscribe',
    done: 'Done: you will no longer get emails about unread messages. Your conversations are still there.',
    invalid: 'This unsubscribe link is not valid.',
  },
  fr: {
    title: 'Notifications par e-mail',
    ask: 'Ne plus recevoir d’e-mails pour les messages non lus ?',
    button: 'Me désabonner',
    done: 'C’est fait : vous ne recevrez plus d’e-mails pour les messages non lus. Vos conversations sont toujours là.',
    invalid: 'Ce lien de désabonnement n’est pas valide.',
  },
};

/**
 * The unsubscribe link of digest emails, with no sign-in (the token is signed,
 * see notify/unsubscribe-token.ts). GET only shows a page with a button —
 * mail scanners and link previews open links, and must not unsubscribe
 * anyone — and POST unsubscribes: the button, and the one-click of mail
 * clients (RFC 8058: `List-Unsubscribe-Post`, a POST to the same URL).
 */
export function mountUnsubscribeRoutes(app: express.Express, directory: DirectoryStore, secret: string): void {
  const page = (res: express.Response, status: number, lang: 'en' | 'fr', body: string) => {
    res
      .status(status)
      .type('html')
      .set('cache-control', 'no-store')
      .send(
        `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
          `<title>${escapeHtml(PAGES[lang].title)}</title></head>` +
          `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">` +
          `<h1 style="font-size:1.3rem">${escapeHtml(PAGES[lang].title)}</h1>${body}</body></html>`,
      );
  };
  const recipient = async (req: express.Request) => {
    const userId = verifyUnsubscribe(secret, req.query.token);
    const user = userId === undefined ? undefined : await directory.user(userId);
    return { user, lang: languageOf(user?.locale) };
  };
  app.get(UNSUBSCRIBE_PATH, async (req, res) => {
    const { user, lang } = await recipient(req);
    const t = PAGES[lang];
    if (!user) return page(res, 400, lang, `<p>${escapeHtml(t.invalid)}</p>`);
    // The form posts back to this very URL (token included).
    page(
      res,
      200,
      lang,
      `<form method="post"><p>${escapeHtml(t.ask)}</p><button type="submit">${escapeHtml(t.button)}</button></form>`,
    );
  });
  app.post(UNSUBSCRIBE_PATH, async (req, res) => {
    const { user, lang } = await recipient(req);
    const t = PAGES[lang];
    if (!user) return page(res, 400, lang, `<p>${escapeHtml(t.invalid)}</p>`);
    await directory.setEmailNotifications(user.id, false);
    page(res, 200, lang, `<p role="status">${escapeHtml(t.done)}</p>`);
  });
}
