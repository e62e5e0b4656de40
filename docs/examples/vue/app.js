// Palaver in a Vue 3 app: register the elements, configure once, use the tags.
// (Tell Vue's compiler that chat-thread and unread-badge are custom elements
// when you use templates; this example renders with h().)
import '@palaver/elements/define';
import { configure } from '@palaver/elements';
import { createApp, h, ref } from 'vue';

const fetchToken = () =>
  fetch('/api/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'buyer-bruno' }),
  })
    .then((response) => response.json())
    .then((body) => body.token);

configure({ url: location.origin, token: fetchToken, userId: 'buyer-bruno' });

const ProductChat = {
  setup() {
    const sent = ref(0);
    return () =>
      h('section', [
        h('p', ['Messages ', h('unread-badge')]),
        // A product the shop registered through the server API: the card and the supplier come from the server.
        h('chat-thread', {
          'product-id': 'p-serving-bowl',
          'onChat-message-sent': () => {
            sent.value++;
          },
        }),
        h('p', { class: 'sent' }, `Sent from this page: ${sent.value}`),
      ]);
  },
};

createApp(ProductChat).mount('#app');
