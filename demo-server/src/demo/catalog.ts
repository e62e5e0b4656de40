import type { ProductRef } from '@palaver/protocol';

/** The demo marketplace's people. Tokens for them come from `POST /api/demo/token`. */
export const DEMO_USERS = [
  { id: 'buyer-alice', name: 'Alice Martin', role: 'buyer', email: 'alice@potter-forge.example', locale: 'en' },
  { id: 'buyer-bruno', name: 'Bruno Keller', role: 'buyer', email: 'bruno@potter-forge.example', locale: 'en' },
  { id: 'supplier-nordlys', name: 'Nordlys Ceramics', role: 'supplier', email: 'hello@nordlys.example', locale: 'en' },
  // French-speaking: their digest emails are in French.
  { id: 'supplier-ferro', name: 'Ferro & Fils', role: 'supplier', email: 'commandes@ferro.example', locale: 'fr' },
  { id: 'admin-sam', name: 'Sam from Support', role: 'admin', email: 'sam@potter-forge.example', locale: 'en' },
] as const;

export type DemoUser = (typeof DEMO_USERS)[number];

export interface DemoProduct extends ProductRef {
  supplierId: DemoUser['id'];
  description: string;
}

/** Products of the demo shop; images are drawn locally (no external URL anywhere). */
export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    id: 'p-stoneware-mug',
    title: 'Stoneware mug, speckled glaze',
    price: '€18.00',
    supplierId: 'supplier-nordlys',
    description: 'Hand-thrown, 350 ml, dishwasher safe.',
  },
  {
    id: 'p-serving-bowl',
    title: 'Large serving bowl',
    price: '€46.00',
    supplierId: 'supplier-nordlys',
    description: 'Ø 28 cm, ash glaze, made to order in two weeks.',
  },
  {
    id: 'p-bud-vase',
    title: 'Bud vase trio',
    price: '€32.00',
    supplierId: 'supplier-nordlys',
    description: 'Three small vases in sand, moss and slate.',
  },
  {
    id: 'p-cast-iron-pan',
    title: 'Cast-iron skillet 26 cm',
    price: '€59.00',
    supplierId: 'supplier-ferro',
    description: 'Pre-seasoned, works on induction.',
  },
  {
    id: 'p-copper-kettle',
    title: 'Copper kettle 1.5 l',
    price: '€89.00',
    supplierId: 'supplier-ferro',
    description: 'Tin-lined copper with a brass handle.',
  },
  {
    id: 'p-knife-set',
    title: 'Carbon-steel knife set',
    price: '€120.00',
    supplierId: 'supplier-ferro',
    description: 'Chef, utility and paring knives with an oak block.',
  },
].map((product) => ({
  ...product,
  imageUrl: `/demo/images/${product.id}.svg`,
  url: `/products/${product.id}`,
})) as DemoProduct[];
