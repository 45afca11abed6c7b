/**
 * Picture comparison for the design suites: a capture is compared with its committed reference in
 * test/design/references/ (pixelmatch, a small colour threshold, a small share of pixels allowed to
 * differ); a difference writes `<name>-actual.png` and `-diff.png` to test-results/design/<suite>/.
 * With HAIPAY_DESIGN_ACCEPT=1 (`npm run design:accept`) every capture becomes the new reference.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

const HERE = new URL('.', import.meta.url).pathname;
export const REFERENCES = join(HERE, 'references');
const ACCEPT = process.env.HAIPAY_DESIGN_ACCEPT === '1';
/** axe-core's browser build, to add to a page as a script. */
export const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A pixel counts as different past pixelmatch's 0.1 colour distance; a picture may differ in 0.1 % of them. */
const THRESHOLD = 0.1;
const MAX_DIFF_SHARE = 0.001;

/**
 * A comparer for one suite; its folder under test-results/design/ is emptied now. `compare` returns
 * what is wrong, or '' when the capture matches its reference (or was accepted).
 */
export function pictures(suite: string): { compare: (name: string, file: string, actual: Buffer) => string } {
  const results = join(HERE, '../../test-results/design', suite);
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const where = `test-results/design/${suite}`;
  return {
    compare: (name, file, actual) => {
      if (ACCEPT) {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, actual);
        return '';
      }
      const keep = (suffix: string, data: Buffer) =>
        writeFileSync(join(results, `${name}-${suffix}.png`), data);
      if (!existsSync(file)) {
        keep('actual', actual);
        return `${name}: no reference image (npm run design:accept writes it)`;
      }
      const a = PNG.sync.read(actual);
      const r = PNG.sync.read(readFileSync(file));
      if (a.width !== r.width || a.height !== r.height) {
        keep('actual', actual);
        return `${name}: ${a.width}×${a.height} px, the reference is ${r.width}×${r.height} px (${where})`;
      }
      const diff = new PNG({ width: a.width, height: a.height });
      const count = pixelmatch(a.data, r.data, diff.data, a.width, a.height, { threshold: THRESHOLD });
      if (count <= a.width * a.height * MAX_DIFF_SHARE) return '';
      keep('actual', actual);
      keep('diff', PNG.sync.write(diff));
      return `${name}: ${count} pixels differ (diff in ${where}/${name}-diff.png)`;
    },
  };
}
