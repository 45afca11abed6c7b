import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The protocol package's public API is documented: every exported declaration has a JSDoc block. */
const src = fileURLToPath(new URL('../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Exported declarations of one source text that have no `/** … *\/` block right above them. */
function undocumentedExports(text: string): string[] {
  const lines = text.split('\n');
  const missing: string[] = [];
  lines.forEach((line, i) => {
    if (!/^export (const|let|function|async function|class|abstract class|interface|type) /.test(line))
      return;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    if (!(lines[j] ?? '').trim().endsWith('*/')) missing.push(`${i + 1}: ${line.slice(0, 80)}`);
  });
  return missing;
}

test('the checker finds an undocumented export and accepts a documented one', () => {
  assert.deepEqual(undocumentedExports('/** Documented. */\nexport const a = 1;\n'), []);
  assert.equal(undocumentedExports('// not JSDoc\nexport function b() {}\n').length, 1);
});

test('every exported declaration in packages/protocol/src has JSDoc', () => {
  const missing = files(src).flatMap((f) =>
    undocumentedExports(readFileSync(f, 'utf8')).map((m) => `${f.slice(src.length + 1)}:${m}`),
  );
  assert.deepEqual(missing, []);
});
