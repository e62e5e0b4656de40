// Shared by every demo page: signs in as the chosen demo user and configures
// Palaver exactly as a marketplace would — one script, one configure() call.
import { configure } from '/assets/palaver.js';

const STORAGE_KEY = 'palaver-demo-user';
const { users } = await (await fetch('/api/demo/users')).json();

/**
 * Who this window is signed in as. Per window (sessionStorage), so two windows
 * really are two people: switching in one never changes the other. `?as=<id>`
 * in the URL picks someone for a fresh window (links to share); localStorage
 * only remembers the last choice as the default for new windows.
 */
function chooseUser() {
  const fromUrl = new URL(location.href).searchParams.get('as');
  const id = fromUrl ?? sessionStorage.getItem(STORAGE_KEY) ?? localStorage.getItem(STORAGE_KEY) ?? 'buyer-alice';
  sessionStorage.setItem(STORAGE_KEY, id);
  return id;
}

export const currentUserId = chooseUser();
export const currentUser = users.find((user) => user.id === currentUserId) ?? users[0];

async function fetchToken() {
  const response = await fetch('/api/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: currentUser.id }),
  });
  if (!response.ok) throw new Error(`token request failed: ${response.status}`);
  return (await response.json()).token;
}

export const chat = configure({ url: location.origin, token: fetchToken, userId: currentUser.id });

/** Builds an element with text content only: no user text ever goes through innerHTML. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children);
  return node;
}

function renderHeader() {
  const header = document.querySelector('#site-header');
  header.className = 'site-header';
  const select = el('select', { 'aria-label': 'Sign in as' });
  for (const user of users) {
    select.append(
      el('option', { value: user.id, selected: user.id === currentUser.id }, `${user.name} (${user.role})`),
    );
  }
  select.addEventListener('change', () => {
    sessionStorage.setItem(STORAGE_KEY, select.value);
    localStorage.setItem(STORAGE_KEY, select.value);
    // Drop a ?as= that would bring the old identity back on reload.
    const url = new URL(location.href);
    url.searchParams.delete('as');
    location.replace(url);
  });
  const nav = el(
    'nav',
    {},
    el('a', { href: '/' }, 'Shop'),
    el('a', { href: '/messages' }, 'Messages ', el('unread-badge')),
    el('a', { href: '/mailbox' }, 'Mailbox'),
  );
  if (currentUser.role === 'admin') nav.append(el('a', { href: '/admin' }, 'Support desk'));
  header.append(
    el('a', { href: '/', class: 'brand' }, 'Potter & Forge'),
    nav,
    el('label', { class: 'signin' }, 'Signed in as', select),
  );
}

renderHeader();
