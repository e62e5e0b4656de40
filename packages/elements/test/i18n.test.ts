import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setStrings, stringsFor } from '../src/shared/i18n.js';
import { builtInStrings, loadLanguage } from '../src/shared/strings.js';
import { unreadStrings } from '../src/shared/unread-strings.js';

// setStrings is page-wide: each test uses languages of its own.
describe('languages in chunks of their own', () => {
  it('brings French on first use: English until then, French once loaded, loaded once', async () => {
    assert.equal(stringsFor('fr-be', builtInStrings).send, 'Send', 'not loaded yet: English');
    const first = loadLanguage('fr-BE');
    assert.ok(first, 'French is a chunk of its own');
    assert.equal(loadLanguage('fr'), first, 'one load for every tag of the language');
    await first;
    assert.equal(stringsFor('fr-be', builtInStrings).send, 'Envoyer', 'strings resolved before are resolved again');
    assert.equal(loadLanguage('fr'), undefined, 'nothing more to wait for');
    assert.equal(loadLanguage('de'), undefined, 'a language without built-in words has nothing to load');
  });

  it('fills a language given only some words with English', () => {
    setStrings('de', { send: 'Senden' });
    const german = stringsFor('de', builtInStrings);
    assert.equal(german.send, 'Senden');
    assert.equal(german.retry, 'Retry');
    assert.equal(stringsFor('de-at', builtInStrings).send, 'Senden', 'a regional tag falls back to its language');
  });
});

describe('element strings', () => {
  before(() => loadLanguage('fr'));

  it('puts a regional replacement on top of its language, not on top of English', () => {
    setStrings('fr-CA', { send: 'Envoyer!' });
    const canadian = stringsFor('fr-ca', builtInStrings);
    assert.equal(canadian.send, 'Envoyer!');
    assert.equal(canadian.retry, 'Réessayer');
    assert.equal(stringsFor('fr', builtInStrings).send, 'Envoyer', 'French itself is untouched');
  });

  it('lets English replacements show where a language has no word of its own, never over one it has', () => {
    setStrings('en', { composerPlaceholder: 'Ask the supplier…' });
    assert.equal(stringsFor('en-gb', builtInStrings).composerPlaceholder, 'Ask the supplier…');
    assert.equal(stringsFor('it', builtInStrings).composerPlaceholder, 'Ask the supplier…');
    assert.equal(stringsFor('fr', builtInStrings).composerPlaceholder, 'Écrire un message…');
  });

  it('sees replacements made after a language was first asked for', () => {
    assert.equal(stringsFor('nl', builtInStrings).send, 'Send');
    setStrings('nl', { send: 'Verstuur' });
    assert.equal(stringsFor('nl', builtInStrings).send, 'Verstuur');
  });

  it("puts an element's own overrides last", () => {
    assert.equal(stringsFor('fr', builtInStrings, { send: 'Go' }).send, 'Go');
    assert.equal(stringsFor('fr', builtInStrings).send, 'Envoyer');
  });

  it("gives the badge's words on their own, the same as in the full set", () => {
    for (const language of ['en', 'fr', 'pt']) {
      assert.equal(
        stringsFor(language, unreadStrings).unreadLabel(2),
        stringsFor(language, builtInStrings).unreadLabel(2),
        language,
      );
    }
    assert.equal(stringsFor('fr', unreadStrings).unreadLabel(2), '2 messages non lus');
    assert.equal(stringsFor('fr', unreadStrings).send, undefined, 'and only those');
  });
});
