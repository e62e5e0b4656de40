import { el } from '/demo/app.js';

const { products } = await (await fetch('/api/demo/products')).json();
const grid = document.querySelector('#products');
for (const product of products) {
  grid.append(
    el(
      'a',
      { class: 'card', href: product.url },
      el('img', { src: product.imageUrl, alt: '' }),
      el(
        'span',
        { class: 'info' },
        el('strong', {}, product.title),
        el('span', { class: 'price' }, product.price),
        el('span', { class: 'muted' }, `by ${product.supplierName}`),
      ),
    ),
  );
}
