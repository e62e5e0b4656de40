/**
 * The SDK's layout, checked: data flows one way between its folders, state/
 * depends on nothing else of the SDK, the sync cursor lives in one module, and
 * no source file grows past a size one can read in a sitting.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const MAX_LINES = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Relative imports of a file (`import … from './x.js'`, `export … from`, `import('./x.js')`), as paths under src. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(src, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** The top-level part of the SDK a file belongs to: a folder, or the file itself at the root. */
const partOf = (path: string) => path.split('/')[0] as string;

const files = sourceFiles(src).map((file) => relative(src, file));

describe('SDK layout', () => {
  it('state/ imports nothing from the rest of the SDK', () => {
    for (const file of files.filter((f) => partOf(f) === 'state')) {
      for (const target of importsOf(join(src, file))) {
        assert.equal(partOf(target), 'state', `${file} imports ${target}`);
      }
    }
  });

  it('the parts depend on each other in one direction (no cycles between folders)', () => {
    const parts = ['connection', 'sync', 'commands', 'state', 'persistence'];
    const edges = new Map(parts.map((part) => [part, new Set<string>()]));
    for (const file of files) {
      const from = partOf(file);
      if (!edges.has(from)) continue;
      for (const target of importsOf(join(src, file))) {
        const to = partOf(target);
        if (to !== from && edges.has(to)) edges.get(from)?.add(to);
      }
    }
    const visiting: string[] = [];
    const done = new Set<string>();
    const visit = (part: string): void => {
      if (done.has(part)) return;
      assert.ok(!visiting.includes(part), `cycle: ${[...visiting, part].join(' → ')}`);
      visiting.push(part);
      for (const next of edges.get(part) ?? []) visit(next);
      visiting.pop();
      done.add(part);
    };
    for (const part of parts) visit(part);
    // The facade sits on top: nothing below imports it.
    for (const file of files.filter((f) => f !== 'client.ts' && f !== 'index.ts')) {
      assert.ok(!importsOf(join(src, file)).includes('client.ts'), `${file} imports the facade`);
    }
  });

  it('the sync cursor is held in one module (the sync engine)', () => {
    const holders = files.filter((file) =>
      // A variable or field that keeps it between calls (reading it into a local is not holding it).
      /\blet\s+\$?cursor\b|\bprivate\s+(readonly\s+)?\$?cursor|\$?cursor\w*\s*=\s*atom\b/i.test(
        readFileSync(join(src, file), 'utf8'),
      ),
    );
    assert.deepEqual(
      holders.filter((file) => !file.startsWith('testing/')),
      ['sync/sync-engine.ts'],
    );
  });

  it(`no source file is longer than ${MAX_LINES} lines`, () => {
    for (const file of files) {
      const lines = readFileSync(join(src, file), 'utf8').split('\n').length;
      assert.ok(lines <= MAX_LINES, `${file} has ${lines} lines`);
    }
  });
});
