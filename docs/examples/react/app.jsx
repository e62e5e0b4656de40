// Palaver in a React 19 app: register the elements, configure once, use the tags.
import '@palaver/elements/define';
import { configure } from '@palaver/elements';
import { createRoot } from 'react-dom/client';

const fetchToken = () =>
  fetch('/api/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'buyer-alice' }),
  })
    .then((response) => response.json())
    .then((body) => body.token);

configure({ url: location.origin, token: fetchToken, userId: 'buyer-alice' });

// The shop registered its products (and who sells each) through the server API, so the
// page names the product by id; the card and the supplier come from the server. A page
// can instead pass a `product-token` its backend signed.
function ProductChat({ product }) {
  return (
    <section>
      <h1>{product.title}</h1>
      <p>
        Messages <unread-badge />
      </p>
      <chat-thread
        product-id={product.id}
        onchat-message-sent={(event) => console.log('sent', event.detail.message.clientId)}
      />
    </section>
  );
}

createRoot(document.getElementById('root')).render(
  <ProductChat product={{ id: 'p-knife-set', title: 'Carbon-steel knife set' }} />,
);
