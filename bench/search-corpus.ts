/**
 * A marketplace's worth of messages for the search bench: French and English
 * sentences as buyers and suppliers write them (greetings, prices, orders,
 * invoices, deliveries, returns), with order numbers, product names and a long
 * tail of rarer words, over conversations of very different lengths. Seeded,
 * so every run searches the same corpus.
 */

/** A small fast seeded generator (mulberry32). */
export function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS_FR = [
  'théière',
  'lampe',
  'chaise',
  'table basse',
  'vase',
  'tapis',
  'miroir',
  'horloge',
  'bureau',
  'coussin',
];
const PRODUCTS_EN = ['teapot', 'lamp', 'chair', 'coffee table', 'vase', 'rug', 'mirror', 'clock', 'desk', 'cushion'];
const MATERIALS = [
  'en chêne',
  'en fonte émaillée',
  'en céramique',
  'en laiton',
  'in walnut',
  'in linen',
  'in stoneware',
];
const DAYS_FR = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const DAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FIRST_NAMES = [
  'Léa',
  'Hugo',
  'Chloé',
  'Lucas',
  'Inès',
  'Noah',
  'Emma',
  'Louis',
  'Jade',
  'Gabriel',
  'Zoé',
  'Raphaël',
];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];

type Pick = <T>(items: readonly T[]) => T;

const FRENCH: Array<(pick: Pick, n: () => number) => string> = [
  (pick) => `Bonjour, est-ce que la ${pick(PRODUCTS_FR)} est encore disponible ?`,
  (_, n) => `Voici la facture de la commande ${n()}.`,
  (pick) => `La livraison est prévue ${pick(DAYS_FR)} avant midi.`,
  () => 'Merci pour votre réponse rapide !',
  (pick, n) => `Pouvez-vous me faire un prix pour ${2 + (n() % 8)} ${pick(PRODUCTS_FR)}s ${pick(MATERIALS)} ?`,
  () => 'Le colis est arrivé abîmé, je voudrais un remboursement.',
  (_, n) => `J'ai bien reçu le paiement de ${n() % 900} euros, merci.`,
  (pick) => `Les dimensions exactes de la ${pick(PRODUCTS_FR)}, s'il vous plaît ?`,
  (_, n) => `Le numéro de suivi est ${n()}${n()}, le transporteur passera demain.`,
  () => "Je suis désolé pour le retard, nous avons eu un problème d'approvisionnement.",
  (pick) => `Est-ce que vous livrez en Belgique ? C'est pour un cadeau à ${pick(FIRST_NAMES)}.`,
  () => 'Oui bien sûr, je vous envoie les photos ce soir.',
  () => "D'accord, je valide la commande.",
  () => 'Les élèves de ma classe ont adoré, merci encore.',
];

const ENGLISH: Array<(pick: Pick, n: () => number) => string> = [
  (pick) => `Hi, is the ${pick(PRODUCTS_EN)} still available?`,
  (_, n) => `Here is the invoice for order ${n()}.`,
  (pick) => `Shipping should arrive on ${pick(DAYS_EN)}.`,
  () => 'Thanks a lot for the quick answer!',
  (pick, n) => `Could you quote me for ${2 + (n() % 8)} ${pick(PRODUCTS_EN)}s ${pick(MATERIALS)}?`,
  () => 'The parcel arrived damaged, I would like a refund.',
  (pick) => `What are the exact dimensions of the ${pick(PRODUCTS_EN)}?`,
  (_, n) => `Tracking number is ${n()}${n()}, the carrier comes tomorrow.`,
  () => 'Sorry for the delay, we had a supply problem.',
  () => 'Sure, I will send you the pictures tonight.',
  () => 'Great, I confirm the order.',
];

const SYLLABLES = ['ka', 'lo', 'mi', 'zu', 'ré', 'po', 'ti', 'na', 'vé', 'sa', 'bu', 'do', 'fi', 'gar', 'lin', 'mor'];

/** About 16^3 words that are each rare: the long tail of real vocabularies (names of things, typos, brands). */
export function rareWord(random: () => number): string {
  let word = '';
  for (let i = 0; i < 3; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return word;
}

/** One message: one or two sentences, French two times in three, sometimes with a rare word. */
export function sentence(random: () => number): string {
  const pick: Pick = (items) => items[Math.floor(random() * items.length)] as never;
  const n = () => 1000 + Math.floor(random() * 9000);
  const one = () => (random() < 0.66 ? pick(FRENCH) : pick(ENGLISH))(pick, n);
  let text = random() < 0.3 ? `${one()} ${one()}` : one();
  if (random() < 0.25) text += ` (${rareWord(random)})`;
  return text;
}

export const personName = (random: () => number) =>
  `${FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]} ${LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]}`;

export const productTitle = (random: () => number) =>
  `${PRODUCTS_FR[Math.floor(random() * PRODUCTS_FR.length)]} ${MATERIALS[Math.floor(random() * MATERIALS.length)]}`;

export interface CorpusShape {
  messages: number;
  users: number;
  /** Suppliers among the users: each takes part in many more conversations than a buyer. */
  suppliers: number;
}

export interface PlannedConversation {
  index: number;
  buyer: number;
  supplier: number;
  length: number;
}

/**
 * Conversations until `messages` are planned: lengths drawn from a long-tailed
 * distribution (most a handful of messages, a few hundreds), a random buyer
 * and supplier each.
 */
export function planConversations(shape: CorpusShape, random: () => number): PlannedConversation[] {
  const planned: PlannedConversation[] = [];
  let total = 0;
  while (total < shape.messages) {
    const length = Math.min(shape.messages - total, Math.max(1, Math.round(-Math.log(1 - random()) * 40)));
    planned.push({
      index: planned.length,
      buyer: shape.suppliers + Math.floor(random() * (shape.users - shape.suppliers)),
      supplier: Math.floor(random() * shape.suppliers),
      length,
    });
    total += length;
  }
  return planned;
}
