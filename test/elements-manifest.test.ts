/**
 * The custom elements manifest (`packages/elements/custom-elements.json`, issue #5: "generated from the
 * JSDoc") is what IDEs, Storybook and framework wrappers read. A committed copy that no longer matches
 * the source misleads them, so this suite regenerates it into a temporary directory and compares.
 * Fix a failure with `pnpm --dir packages/elements analyze`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const pkg = fileURLToPath(new URL('../packages/elements/', import.meta.url));
const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'haipay-cem-'));
after(() => rmSync(out, { recursive: true, force: true }));

interface Declaration {
  tagName?: string;
  customElement?: boolean;
  attributes?: { name: string }[];
  events?: { name: string }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

const elements = (m: Manifest) =>
  new Map(
    m.modules
      .flatMap((mod) => mod.declarations ?? [])
      .filter((d) => d.customElement && d.tagName)
      .map((d) => [d.tagName!, d]),
  );

describe('custom elements manifest', () => {
  let committed: Manifest;
  let fresh: Manifest;

  test('the committed manifest is what the analyzer generates from the source today', async () => {
    const before = readFileSync(join(pkg, 'package.json'), 'utf8');
    // The analyzer joins outdir to its working directory, so it gets a relative path.
    await run(
      'pnpm',
      ['exec', 'custom-elements-manifest', 'analyze', '--config', 'custom-elements-manifest.config.mjs'],
      { cwd: pkg, env: { ...process.env, CEM_OUTDIR: relative(pkg, out) } },
    );
    assert.equal(readFileSync(join(pkg, 'package.json'), 'utf8'), before, 'package.json is left alone');
    committed = JSON.parse(readFileSync(join(pkg, 'custom-elements.json'), 'utf8'));
    fresh = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
    assert.deepEqual(
      committed,
      fresh,
      'stale: run `pnpm --dir packages/elements analyze` and commit the result',
    );
  });

  test('it describes the four tags: attributes, typed events, parts and custom properties', () => {
    const tags = elements(committed);
    assert.deepEqual([...tags.keys()].sort(), [
      'haipay-bank-transfer',
      'haipay-card-form',
      'haipay-checkout',
      'haipay-qr',
    ]);
    const names = (list?: { name: string }[]) => (list ?? []).map((x) => x.name);
    for (const [tag, d] of tags) {
      // The drop-in is given an order reference and methods; the payments are its inner tags'.
      const own = tag === 'haipay-checkout' ? ['order-ref', 'method', 'methods'] : ['order-id'];
      for (const attr of ['endpoint', 'locale', 'theme', ...own]) {
        assert.ok(names(d.attributes).includes(attr), `${tag} documents the ${attr} attribute`);
      }
      for (const event of ['haipay-succeeded', 'haipay-failed', 'haipay-error']) {
        assert.ok(names(d.events).includes(event), `${tag} documents ${event}`);
      }
      assert.ok(names(d.cssParts).includes('base'), `${tag} documents ::part(base)`);
      assert.ok(
        names(d.cssProperties).some((p) => p.startsWith('--haipay-')),
        `${tag} documents its --haipay-* custom properties`,
      );
    }
    assert.ok(names(tags.get('haipay-card-form')!.events).includes('haipay-redirect'));
    assert.ok(names(tags.get('haipay-qr')!.events).includes('haipay-new-qr'));
    assert.ok(names(tags.get('haipay-qr')!.attributes).includes('payload'));
    assert.ok(names(tags.get('haipay-bank-transfer')!.attributes).includes('bank-code'));
    assert.ok(names(tags.get('haipay-checkout')!.events).includes('haipay-method-change'));
  });
});
