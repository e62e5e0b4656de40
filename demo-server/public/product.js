import { currentUser, el } from '/demo/app.js';

const id = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const { products } = await (await fetch('/api/demo/products')).json();
const product = products.find((candidate) => candidate.id === id);
const main = document.querySelector('main');
if (!product) {
  main.append(el('h1', {}, 'Product not found'), el('a', { href: '/' }, 'Back to the shop'));
} else {
  document.title = `${product.title} — Potter & Forge`;
  const contact =
    currentUser.id === product.supplierId
      ? el('p', { class: 'muted' }, 'This is one of your products: buyers contact you from here.')
      : el(
          'contact-supplier',
          // The shop registered this product (and who sells it) through the server API:
          // the id is all the page names; the card and the supplier come from the server.
          { 'product-id': product.id, 'supplier-name': product.supplierName },
          `Contact ${product.supplierName}`,
        );
  main.append(
    el(
      'section',
      { class: 'product' },
      el('img', { src: product.imageUrl, alt: product.title }),
      el(
        'div',
        {},
        el('h1', {}, product.title),
        el('p', { class: 'price' }, product.price),
        el('p', {}, product.description),
        el('p', { class: 'muted' }, `Sold by ${product.supplierName}`),
        contact,
      ),
    ),
  );
}
