import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Conversation, Message } from '@palaver/protocol';
import {
  emptyWindow,
  holesIn,
  isNewerVersion,
  keepNewestRun,
  mergeHistoryPage,
  mergeIntoWindow,
  trimWindow,
} from '../src/state/message-window.js';
import { threadView } from '../src/state/view.js';

const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  clientId: `c${seq}`,
  conversationId: 'c',
  seq,
  senderId: 'u',
  fromAdmin: false,
  body: `body ${seq}`,
  attachments: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const seqs = (w: { messages: Message[] }) => w.messages.map((m) => m.seq);

describe('message windows', () => {
  it('an empty window starts with the newest consecutive run, ignoring a lone older edit', () => {
    const w = mergeIntoWindow(emptyWindow(), [message(3, { editedAt: 'x' }), ...range(50, 52)]);
    assert.deepEqual(seqs(w), [50, 51, 52]);
    assert.equal(w.fromSeq, 50);
  });

  it('ignores messages below the window and keeps the newest version of each', () => {
    let w = mergeIntoWindow(emptyWindow(), range(10, 12));
    w = mergeIntoWindow(w, [message(5), message(11, { body: 'edited', editedAt: '2026-01-02T00:00:00.000Z' })]);
    assert.deepEqual(seqs(w), [10, 11, 12]);
    assert.equal(w.messages[1]?.body, 'edited');
    // an older version arriving late does not win
    w = mergeIntoWindow(w, [message(11)]);
    assert.equal(w.messages[1]?.body, 'edited');
    // a deletion always wins and is final
    w = mergeIntoWindow(w, [message(11, { body: '', deletedAt: '2026-01-03T00:00:00.000Z' })]);
    w = mergeIntoWindow(w, [message(11, { body: 'again', editedAt: '2026-01-09T00:00:00.000Z' })]);
    assert.equal(w.messages[1]?.body, '');
  });

  it('any interleaving of the same changes converges', () => {
    const changes = [
      ...range(1, 6),
      message(2, { body: 'e1', editedAt: '2026-01-02T00:00:00.000Z' }),
      message(2, { body: 'e2', editedAt: '2026-01-03T00:00:00.000Z' }),
      message(4, { body: '', deletedAt: '2026-01-02T00:00:00.000Z' }),
    ];
    const reference = changes.reduce((w, m) => mergeIntoWindow(w, [m]), mergeIntoWindow(emptyWindow(), [message(1)]));
    for (let shuffle = 0; shuffle < 50; shuffle++) {
      const order = [...changes].sort(() => Math.random() - 0.5);
      const w = order.reduce((acc, m) => mergeIntoWindow(acc, [m]), mergeIntoWindow(emptyWindow(), [message(1)]));
      assert.deepEqual(w.messages, reference.messages);
    }
    assert.equal(reference.messages[1]?.body, 'e2');
    assert.equal(reference.messages[3]?.body, '');
  });

  it('history pages extend the window downwards; a page that does not touch it replaces it', () => {
    let w = mergeIntoWindow(emptyWindow(), range(51, 60));
    w = mergeHistoryPage(w, range(1, 50), false);
    assert.equal(w.fromSeq, 1);
    assert.equal(w.messages.length, 60);
    const far = mergeHistoryPage(mergeIntoWindow(emptyWindow(), range(1, 3)), range(90, 100), false);
    assert.deepEqual(
      seqs(far),
      range(90, 100).map((m) => m.seq),
    );
    assert.equal(far.fromSeq, 90, 'the window is complete from 90 only');
    assert.equal(mergeHistoryPage(emptyWindow(), [], false).fromSeq, undefined);
    assert.equal(mergeHistoryPage(emptyWindow(), [], true).fromSeq, 1, 'an empty conversation is complete');
  });

  it('finds holes, and can drop below them', () => {
    let w = mergeIntoWindow(emptyWindow(), range(1, 3));
    w = mergeIntoWindow(w, range(7, 8));
    assert.deepEqual(holesIn(w), [{ from: 4, to: 6 }]);
    w = mergeHistoryPage(w, range(4, 6), false);
    assert.deepEqual(holesIn(w), []);
    assert.equal(w.fromSeq, 1);
    const gappy = mergeIntoWindow(mergeIntoWindow(emptyWindow(), range(1, 3)), range(9, 10));
    assert.deepEqual(seqs(keepNewestRun(gappy)), [9, 10]);
    assert.deepEqual(seqs(trimWindow(mergeIntoWindow(emptyWindow(), range(1, 10)), 3)), [8, 9, 10]);
  });

  it('orders versions: deleted beats edited beats original', () => {
    assert.equal(isNewerVersion(message(1), message(1, { editedAt: 'a' })), true);
    assert.equal(isNewerVersion(message(1, { editedAt: 'b' }), message(1, { editedAt: 'a' })), false);
    assert.equal(isNewerVersion(message(1, { editedAt: 'b' }), message(1, { deletedAt: 'a' })), true);
    assert.equal(isNewerVersion(message(1, { deletedAt: 'a' }), message(1, { editedAt: 'z' })), false);
  });
});

describe('the shown thread', () => {
  it('a page of older history goes below the window in order, and the messages already shown keep their copies', () => {
    const window = mergeHistoryPage(emptyWindow(), range(51, 100), false);
    const user = { id: 'u', name: 'U', isAdmin: false };
    const before = threadView(window.messages, [], 'c', undefined, user);
    const older = mergeHistoryPage(window, range(1, 50), true);
    assert.deepEqual(
      seqs(older),
      range(1, 100).map((m) => m.seq),
    );
    assert.equal(older.fromSeq, 1);
    const after = threadView(older.messages, [], 'c', undefined, user);
    // The 50 messages that were shown are the same objects: nothing rebuilt for them.
    assert.equal(after.length, 100);
    for (let i = 0; i < 50; i++) assert.equal(after[50 + i], before[i]);
    // A read by the other side changes the status, and so the copy, of those it covers only.
    const conversation = { participants: [{ userId: 'v', lastReadSeq: 60 }] } as unknown as Conversation;
    const read = threadView(older.messages, [], 'c', conversation, user);
    assert.equal(read[59]?.status, 'read');
    assert.notEqual(read[59], after[59]);
    assert.equal(read[60]?.status, 'sent');
    assert.equal(read[60], after[60]);
  });
});
