/**
 * Typed use of the elements from React 19, Preact and Vue: `@haipay-kit/elements/react`, `/preact` and
 * `/vue` are declarations generated from custom-elements.json (scripts/framework-types.mjs). Each
 * consumer project here is what a merchant writes, and the compiler checks it as theirs would, with
 * `skipLibCheck: false`: correct use compiles, and every `@ts-expect-error` / `@vue-expect-error` (an
 * unknown attribute value, a misspelled tag, attribute or event, a wrong `detail`) must be an error.
 * Without the declarations the tags are unknown and the correct use fails; without a check the
 * expect-error comments are unused, which fails too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'haipay-frameworks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a compiler from the workspace's node_modules; on failure the assertion shows what it said. */
async function typecheck(bin: 'tsc' | 'vue-tsc', project: string): Promise<void> {
  try {
    await run(join(root, 'node_modules/.bin', bin), ['-p', project], { cwd: root, maxBuffer: 8 << 20 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    assert.fail(`${bin} -p ${project} failed:\n${stdout}${stderr}`);
  }
}

before(async () => {
  // What `pnpm build` writes into the package, from the manifest as it is now.
  await run(process.execPath, [join(root, 'scripts/framework-types.mjs')], { cwd: root });
});

// Two compilers at a time: each is one CPU-bound process, and the machine has two cores.
describe('framework types from custom-elements.json', { concurrency: 2 }, () => {
  test('React 19: a consumer using all three tags type-checks, and its mistakes are errors', async () => {
    await typecheck('tsc', 'test/frameworks/react/tsconfig.json');
  });

  test('Preact: a consumer using all three tags type-checks, and its mistakes are errors', async () => {
    await typecheck('tsc', 'test/frameworks/preact/tsconfig.json');
  });

  test('Vue: a consumer template type-checks under vue-tsc, and its mistakes are errors', async () => {
    await typecheck('vue-tsc', 'test/frameworks/vue/tsconfig.json');
  });

  test('a tag, attribute or event added to the manifest is typed with no other change', async () => {
    // The package's manifest plus a tag it has never had, as the analyzer would describe it.
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages/elements/custom-elements.json'), 'utf8'),
    ) as { modules: unknown[] };
    manifest.modules.push({
      kind: 'javascript-module',
      path: 'src/extra/extra.ts',
      declarations: [
        {
          kind: 'class',
          name: 'HaiPayExtra',
          customElement: true,
          tagName: 'haipay-extra',
          summary: 'A tag added after the declarations were written.',
          attributes: [{ name: 'layout', type: { text: "'tabs' | 'list'" } }],
          members: [],
          events: [{ name: 'haipay-extra-done' }],
        },
      ],
    });
    const project = join(tmp, 'extra');
    mkdirSync(project);
    symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(join(project, 'manifest.json'), JSON.stringify(manifest));
    await run(process.execPath, [
      join(root, 'scripts/framework-types.mjs'),
      '--manifest',
      join(project, 'manifest.json'),
      '--out',
      join(project, 'types'),
    ]);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.base.json'),
        compilerOptions: { noEmit: true, skipLibCheck: false, jsx: 'react-jsx', types: [] },
        include: ['*.tsx', 'types/react.d.ts'],
      }),
    );
    writeFileSync(
      join(project, 'page.tsx'),
      `export const page = (
  <>
    <haipay-extra layout="tabs" onhaipay-extra-done={(event) => event.detail} />
    <haipay-qr endpoint="/haipay" theme="dark" />
    {/* @ts-expect-error layout is 'tabs' | 'list' */}
    <haipay-extra layout="grid" />
  </>
);
`,
    );
    await typecheck('tsc', join(project, 'tsconfig.json'));
  });
});
