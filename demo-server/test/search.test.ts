/**
 * Full-text search (#19 point 4): what it finds (stems, accents, numbers,
 * prefixes, titles), what it never shows (others' conversations, deleted and
 * removed messages, hidden contact details), and that every write keeps the
 * index in step. Runs on SQLite, and on PostgreSQL with PALAVER_TEST_STORE=postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AckResponse, Conversation, SearchResult } from '@palaver/protocol';
import Database from 'better-sqlite3';
import {
  type ClientSocket,
  ok,
  productOpen,
  rawRequest,
  request,
  sam,
  send,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';
import { onPostgres, openReader } from './test-database.js';

const INVOICE = 'Voici la facture de la commande 1234';

let users = 0;
/** A user of this file alone, so tests sharing a server never see each other's conversations. */
const someone = (name: string, admin = false): TestUser => ({
  id: `search-${++users}-${name.toLowerCase()}`,
  name,
  admin,
});

async function openAbout(socket: ClientSocket, supplier: TestUser, title: string): Promise<Conversation> {
  const product = { id: `p-${++users}`, title, price: '€10.00' };
  const { conversation } = await ok(
    socket,
    'conversation:open',
    productOpen({ product, supplierId: supplier.id, supplierName: supplier.name }),
  );
  return conversation;
}

const search = async (socket: ClientSocket, q: string, extra: { conversationId?: string; limit?: number } = {}) =>
  (await ok(socket, 'search', { q, ...extra })) as SearchResult & { ok: true };

const foundIds = (result: SearchResult) => result.results.flatMap((r) => r.hits.map((hit) => hit.message.id));
const foundConversations = (result: SearchResult) => result.results.map((r) => r.conversation.id);
/** The terms FTS5 holds (fts5vocab reads the index's pages, deleted documents' terms included unless purged). */
function termsInSqliteIndex(path: string, fragments: string[]) {
  const db = new Database(path, { readonly: true });
  try {
    const found: Array<{ term: string }> = [];
    for (const table of ['message_search', 'conversation_search']) {
      db.exec(`CREATE VIRTUAL TABLE temp.vocab_${table} USING fts5vocab(main, ${table}, row)`);
      for (const fragment of fragments) {
        const query = db.prepare(`SELECT term FROM temp.vocab_${table} WHERE term LIKE ?`);
        found.push(...(query.all(`%${fragment}%`) as Array<{ term: string }>));
      }
    }
    return found;
  } finally {
    db.close();
  }
}

const foundConversationsOf = (conversations: Conversation[]) => conversations.map((c) => c.id);

describe('search', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY });
  });
  after(() => t.close());

  it('finds "facture" for "factures", "élève" for "eleve", and numbers, with highlighted snippets', async () => {
    const buyer = await t.connect(someone('Ana'));
    const supplier = someone('Berthe');
    const conversation = await openAbout(buyer, supplier, 'Teapot');
    const invoice = await send(buyer, conversation.id, INVOICE);
    const pupil = await send(buyer, conversation.id, "C'est pour un élève de CM2");
    await send(buyer, conversation.id, 'Rien à voir ici');

    const factures = await search(buyer, 'factures');
    assert.deepEqual(foundIds(factures), [invoice.id]);
    const hit = factures.results[0]?.hits[0];
    assert.ok(hit);
    assert.equal(hit.snippet.text, INVOICE);
    assert.deepEqual(
      hit.snippet.highlights.map((h) => hit.snippet.text.slice(h.start, h.end)),
      ['facture'],
    );
    assert.deepEqual(foundIds(await search(buyer, 'eleve')), [pupil.id]);
    assert.deepEqual(foundIds(await search(buyer, 'ÉLÈVES')), [pupil.id]);
    assert.deepEqual(foundIds(await search(buyer, '1234')), [invoice.id]);
    assert.deepEqual(foundIds(await search(buyer, 'commande 1234')), [invoice.id]);
    assert.deepEqual(foundIds(await search(buyer, 'facture eleve')), []);
    // English forms too.
    const english = await send(buyer, conversation.id, 'The invoices were shipped yesterday');
    assert.deepEqual(foundIds(await search(buyer, 'invoice shipping')), [english.id]);
  });

  it('takes the last word as the start of a word (search as you type)', async () => {
    const buyer = await t.connect(someone('Chloé'));
    const conversation = await openAbout(buyer, someone('Denis'), 'Lamp');
    const invoice = await send(buyer, conversation.id, INVOICE);
    assert.deepEqual(foundIds(await search(buyer, 'fact')), [invoice.id]);
    assert.deepEqual(foundIds(await search(buyer, 'voici la comm')), [invoice.id]);
    assert.deepEqual(foundIds(await search(buyer, 'comm voici')), [], 'only the last word is a prefix');
  });

  it('never returns a conversation the user is not in, and refuses to search one', async () => {
    const ana = someone('Eva');
    const outsider = someone('Fanny');
    const supplier = someone('Gaston');
    const mine = await t.connect(ana);
    const theirs = await t.connect(outsider);
    const own = await openAbout(mine, supplier, 'Chair');
    await send(mine, own.id, INVOICE);
    const other = await openAbout(theirs, supplier, 'Chair');
    for (let i = 0; i < 5; i++) await send(theirs, other.id, `${INVOICE} facture factures commande ${i}`);

    const found = await search(mine, 'facture commande', { limit: 50 });
    assert.deepEqual(foundConversations(found), [own.id]);
    const rest = await t.rest<SearchResult>(ana, 'GET', '/api/search?q=facture&limit=50');
    assert.equal(rest.status, 200);
    assert.deepEqual(foundConversations(rest.body), [own.id]);
    // Their title, product and names are not searchable either.
    assert.deepEqual(foundConversations(await search(mine, 'Fanny')), []);

    const refused = (await request(mine, 'search', { q: 'facture', conversationId: other.id })) as AckResponse;
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'forbidden');
    // The supplier is in both and finds both; an admin finds everything.
    const both = await search(await t.connect(supplier), 'facture', { limit: 50 });
    assert.deepEqual(foundConversations(both).sort(), [own.id, other.id].sort());
    const admin = await search(await t.connect(sam), 'facture', { conversationId: other.id, limit: 50 });
    assert.deepEqual(foundConversations(admin), [other.id]);
    assert.equal(admin.results[0]?.hits.length, 5);
  });

  it('limits to one conversation when asked, and ranks and groups by conversation', async () => {
    const buyer = await t.connect(someone('Hugo'));
    const supplier = someone('Inès');
    const first = await openAbout(buyer, supplier, 'Vase');
    const second = await openAbout(buyer, someone('Jules'), 'Rug');
    await send(buyer, first.id, 'livraison prévue lundi');
    await send(buyer, first.id, 'la livraison a du retard');
    const other = await send(buyer, second.id, 'livraison offerte');
    const all = await search(buyer, 'livraison');
    assert.deepEqual(new Set(foundConversations(all)), new Set([first.id, second.id]));
    assert.equal(all.results.find((r) => r.conversation.id === first.id)?.hits.length, 2);
    const only = await search(buyer, 'livraison', { conversationId: second.id });
    assert.deepEqual(foundIds(only), [other.id]);
    assert.equal((await search(buyer, 'livraison', { limit: 1 })).results.length, 1);
  });

  it('finds a conversation by its product title or a participant name, with no message hit', async () => {
    const buyer = await t.connect(someone('Karim'));
    const supplier = someone('Léonie Dubois');
    const conversation = await openAbout(buyer, supplier, 'Théière en fonte émaillée');
    // A conversation nobody wrote in is not listed, nor found.
    assert.deepEqual(foundConversations(await search(buyer, 'theiere')), []);
    await send(buyer, conversation.id, 'Bonjour');
    const byTitle = await search(buyer, 'theiere emaillee');
    assert.deepEqual(foundConversations(byTitle), [conversation.id]);
    assert.equal(byTitle.results[0]?.titleMatch, true);
    assert.deepEqual(byTitle.results[0]?.hits, []);
    assert.deepEqual(foundConversations(await search(buyer, 'dubois')), [conversation.id]);
  });

  it('never finds a deleted message; an edit finds the new text only', async () => {
    const buyer = await t.connect(someone('Maya'));
    const conversation = await openAbout(buyer, someone('Nils'), 'Clock');
    const gone = await send(buyer, conversation.id, 'message parapluie');
    const edited = await send(buyer, conversation.id, 'premier brouillon');
    await ok(buyer, 'message:delete', { messageId: gone.id });
    assert.deepEqual(foundIds(await search(buyer, 'parapluie')), []);
    assert.deepEqual(foundIds(await search(await t.connect(sam), 'parapluie')), [], 'admins neither');

    await ok(buyer, 'message:edit', { messageId: edited.id, body: 'version définitive' });
    assert.deepEqual(foundIds(await search(buyer, 'brouillon')), []);
    const found = await search(buyer, 'definitive');
    assert.deepEqual(foundIds(found), [edited.id]);
    assert.equal(found.results[0]?.hits[0]?.message.body, 'version définitive');
  });

  it('finds a message removed by moderation for admins only, with its text', async () => {
    const buyerUser = someone('Olga');
    const buyer = await t.connect(buyerUser);
    const conversation = await openAbout(buyer, someone('Pablo'), 'Desk');
    const removed = await send(buyer, conversation.id, 'propos injurieux');
    const api = serverApi(t.url);
    const answer = await api('POST', `/messages/${removed.id}/remove`, { moderatorId: 'mod-1', reason: 'abuse' });
    assert.equal(answer.status, 200);
    assert.deepEqual(foundIds(await search(buyer, 'injurieux')), []);
    const admin = await search(await t.connect(sam), 'injurieux');
    assert.deepEqual(foundIds(admin), [removed.id]);
    assert.equal(admin.results[0]?.hits[0]?.snippet.text, 'propos injurieux');
    // The moderators' conversation search reads the same index.
    for (const q of ['INJURIEUX', 'propos inju']) {
      const moderation = await api<{ conversations: Conversation[] }>(
        'GET',
        `/moderation/search?q=${encodeURIComponent(q)}`,
      );
      assert.deepEqual(foundConversationsOf(moderation.body.conversations), [conversation.id], q);
      const console = await t.rest<{ conversations: Conversation[] }>(sam, 'GET', `/api/moderation/search?q=${q}`);
      assert.deepEqual(foundConversationsOf(console.body.conversations), [conversation.id], q);
    }
  });

  it("the moderators' search finds words under any form, in any conversation", async () => {
    const buyer = await t.connect(someone('Pia'));
    const conversation = await openAbout(buyer, someone('Raoul'), 'Cabinet');
    await send(buyer, conversation.id, INVOICE);
    const api = serverApi(t.url);
    const search = (q: string) =>
      api<{ conversations: Conversation[] }>('GET', `/moderation/search?q=${encodeURIComponent(q)}`);
    assert.ok(foundConversationsOf((await search('factures 1234')).body.conversations).includes(conversation.id));
    assert.ok(foundConversationsOf((await search('cabinet')).body.conversations).includes(conversation.id), 'by title');
    assert.deepEqual((await search('"*"')).body.conversations, []);
  });

  it('forgets an erased user: their messages and name', async () => {
    const dan = someone('Quentin Secret');
    const supplierUser = someone('Rosa');
    const api = serverApi(t.url);
    await api('PUT', `/users/${dan.id}`, { name: dan.name });
    const danSocket = await t.connect(dan);
    const conversation = await openAbout(danSocket, supplierUser, 'Mirror');
    await send(danSocket, conversation.id, 'mon adresse secrète');
    const supplier = await t.connect(supplierUser);
    await send(supplier, conversation.id, 'bien reçu');
    assert.equal((await search(supplier, 'secrete')).results.length, 1);
    assert.equal((await search(supplier, 'quentin')).results.length, 1);
    assert.equal((await api('POST', `/users/${dan.id}/erase`)).status, 200);
    for (const q of ['secrete', 'quentin', 'adresse']) {
      assert.deepEqual(foundIds(await search(supplier, q)), [], q);
      assert.deepEqual(foundConversations(await search(supplier, q)), [], q);
      assert.deepEqual(foundConversations(await search(await t.connect(sam), q)), [], `admin: ${q}`);
    }
    assert.deepEqual(foundConversations(await search(supplier, 'recu')), [conversation.id]);
    // Nor is anything of theirs left in the index's storage, where a file or a dump could be read.
    const reader = await openReader(t.databaseEnv);
    try {
      const left = onPostgres
        ? await reader.all<{ term: string }>(
            `SELECT word AS term FROM (
               SELECT unnest(tsvector_to_array(body || original || scoped)) AS word FROM message_search
               UNION ALL SELECT unnest(tsvector_to_array(title || scoped)) FROM conversation_search) w
             WHERE word LIKE '%secret%' OR word LIKE '%quentin%'`,
          )
        : termsInSqliteIndex(t.dbPath, ['secret', 'quentin']);
      assert.deepEqual(left, []);
    } finally {
      await reader.close();
    }
  });

  it('answers bad input with invalid_payload, never internal', async () => {
    const socket = await t.connect(someone('Sacha'));
    const cases: unknown[] = [
      {},
      { q: '' },
      { q: '   ' },
      { q: 'x'.repeat(201) },
      { q: 42 },
      { q: 'ok', limit: 0 },
      { q: 'ok', limit: 51 },
      { q: 'ok', limit: 2.5 },
      { q: 'ok', conversationId: '' },
      null,
      'facture',
    ];
    for (const payload of cases) {
      const answer = (await rawRequest(socket, 'search', payload)) as AckResponse;
      assert.equal(answer.ok, false, JSON.stringify(payload));
      assert.equal(!answer.ok && answer.error.code, 'invalid_payload', JSON.stringify(payload));
    }
    // FTS and tsquery syntax is only text: never an error.
    for (const q of [
      '"',
      '*',
      'a*b OR c',
      "') | ('",
      'NEAR(a b)',
      '{body}: x',
      '-',
      '🙂',
      'x'.repeat(200),
      'a:* & !b',
    ]) {
      const answer = (await rawRequest(socket, 'search', { q })) as AckResponse;
      assert.equal(answer.ok, true, `${q}: ${JSON.stringify(answer)}`);
    }
    const user = someone('Théo');
    for (const path of [
      '/api/search',
      '/api/search?q=',
      `/api/search?q=${'y'.repeat(201)}`,
      '/api/search?q=ok&limit=x',
    ]) {
      const answer = await t.rest<{ error: { code: string } }>(user, 'GET', path);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.error.code, 'invalid_payload', path);
    }
    assert.equal((await t.rest(null, 'GET', '/api/search?q=ok')).status, 401);
    assert.equal((await t.rest(user, 'GET', '/api/search?q=ok&conversationId=nope')).status, 404);
  });
});

describe('search with contact masking (CONTACT_MASKING=mask)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ CONTACT_MASKING: 'mask', CONTACT_MASKING_REGION: 'FR' });
  });
  after(() => t.close());

  it('non-admins search and read the masked text; the admin finds the original', async () => {
    const buyerUser = someone('Ugo');
    const supplierUser = someone('Valérie');
    const buyer = await t.connect(buyerUser);
    const supplier = await t.connect(supplierUser);
    const conversation = await openAbout(buyer, supplierUser, 'Sofa');
    const sent = await send(buyer, conversation.id, 'Appelez-moi au 06 12 34 56 78 pour la livraison');
    assert.equal(sent.masked, true);
    for (const socket of [supplier, buyer]) {
      assert.deepEqual(foundIds(await search(socket, '0612345678')), []);
      assert.deepEqual(foundIds(await search(socket, '06 12 34 56 78')), []);
      const found = await search(socket, 'livraison');
      assert.deepEqual(foundIds(found), [sent.id]);
      const snippet = found.results[0]?.hits[0]?.snippet.text ?? '';
      assert.doesNotMatch(snippet, /12 34/);
      assert.match(snippet, /contact details hidden/);
    }
    const received = (await search(supplier, 'livraison')).results[0]?.hits[0]?.message;
    assert.doesNotMatch(JSON.stringify(received), /12 34/);
    const admin = await search(await t.connect(sam), '06 12 34 56 78');
    assert.deepEqual(foundIds(admin), [sent.id]);
    assert.match(admin.results[0]?.hits[0]?.snippet.text ?? '', /06 12 34 56 78/);
  });
});
