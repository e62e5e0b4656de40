import { chat, currentUser, el } from '/demo/app.js';

const main = document.querySelector('main');
if (currentUser.role !== 'admin') {
  main.append(el('h1', {}, 'Support desk'), el('p', {}, 'Sign in as the admin to use the support desk.'));
} else {
  const { users } = await (await fetch('/api/demo/users')).json();
  const clientSelect = el('select', { name: 'client' });
  for (const user of users.filter((u) => u.role !== 'admin'))
    clientSelect.append(el('option', { value: user.id }, user.name));
  const subject = el('input', { name: 'subject', value: 'Order #1234', required: true });
  const form = el(
    'form',
    {},
    el('label', {}, 'Client', clientSelect),
    el('label', {}, 'About', subject),
    el('button', { type: 'submit' }, 'Open support thread'),
  );
  const inbox = el('chat-inbox', { 'with-thread': true });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const conversation = await chat.openSupportConversation({
      subject: subject.value,
      clientUserId: clientSelect.value,
    });
    inbox.select(conversation.id);
  });
  // The moderation console comes from its own file: customers' pages never load it.
  await import('/assets/palaver-moderation.js');
  main.append(
    el('h1', {}, 'Support desk'),
    el('div', { class: 'panel' }, form),
    el('p', { class: 'muted' }, 'Every support conversation, and the ones you take part in.'),
    inbox,
    el('h2', { id: 'moderation-heading' }, 'Moderation'),
    el('p', { class: 'muted' }, 'Reports from buyers and suppliers, every conversation, and what moderators did.'),
    el('chat-moderation'),
  );
}
