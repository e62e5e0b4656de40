// What the signed-in demo user would have received by email: the digests of
// messages left unread while they were away, as the demo's own SMTP catcher
// got them. Text goes through textContent, and each email's HTML part is shown
// in a sandboxed frame (no scripts, no same-origin access).
import { currentUser, el } from '/demo/app.js';

const intro = document.querySelector('#mailbox-intro');
const list = document.querySelector('#mails');
let shown = '';

async function refresh() {
  const response = await fetch(`/api/demo/mailbox?userId=${encodeURIComponent(currentUser.id)}`);
  if (!response.ok) return;
  const { address, catching, mails } = await response.json();
  intro.textContent = catching
    ? `Emails to ${address}. When someone has messages unread for a while and no page open, they get one digest per burst: leave this user's pages closed, write to them as someone else, and the email appears here.`
    : `Emails to ${address} go to the SMTP server in SMTP_URL; this demo keeps no copy.`;
  const key = mails.map((mail) => mail.messageId).join(' ');
  if (key === shown) return;
  shown = key;
  list.replaceChildren(
    ...(mails.length === 0 ? [el('p', { class: 'muted' }, 'No email yet.')] : mails.map(renderMail)),
  );
}

function renderMail(mail) {
  const frame = el('iframe', { sandbox: '', title: `HTML version of “${mail.subject}”`, class: 'mail-html' });
  frame.srcdoc = mail.html ?? '';
  return el(
    'article',
    { class: 'panel mail' },
    el('h2', {}, mail.subject),
    el('p', { class: 'muted' }, `From ${mail.from} · ${new Date(mail.receivedAt).toLocaleString()}`),
    mail.html ? frame : el('pre', {}, mail.text),
    el('details', {}, el('summary', {}, 'Plain-text version'), el('pre', { class: 'mail-text' }, mail.text)),
    el('p', { class: 'muted' }, `List-Unsubscribe: ${mail.listUnsubscribe ?? '—'}`),
  );
}

await refresh();
setInterval(refresh, 3000);
