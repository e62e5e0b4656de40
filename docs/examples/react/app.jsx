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

function ProductChat({ product, supplier }) {
  return (
    <section>
      <h1>{product.title}</h1>
      <p>
        Messages <unread-badge />
      </p>
      <chat-thread
        product-id={product.id}
        product-title={product.title}
        product-price={product.price}
        supplier-id={supplier.id}
        supplier-name={supplier.name}
        onchat-message-sent={(event) => console.log('sent', event.detail.message.clientId)}
      />
    </section>
  );
}

createRoot(document.getElementById('root')).render(
  <ProductChat
    product={{ id: 'p-knife-set', title: 'Carbon-steel knife set', price: '€120.00' }}
    supplier={{ id: 'supplier-ferro', name: 'Ferro & Fils' }}
  />,
);
