/**
 * Visual regression and accessibility of the design-review page (`/design`), in real Chromium: every
 * state of every element, in three combinations of language, theme and width, is captured (cropped to
 * the element's frame) and compared with the reference images committed in test/design/references/,
 * and axe-core runs over each combination with zero violations allowed.
 *
 * Stable by construction: the states come from the demo's fake companion (fixed answers, fixed `Date`),
 * the page's clock is fixed to that same instant (Playwright's clock), the time zone is Bangkok's, the
 * fonts are the demo's bundled Noto faces, animations and carets are off, the device scale is 1.
 *
 * A difference writes `<combination>-<state>-actual.png` and `-diff.png` to test-results/design/gallery/
 * (./pictures.ts). When a change is intended (an element restyled), accept the new pictures with
 * `npm run design:accept` (test/design with HAIPAY_DESIGN_ACCEPT=1) and commit test/design/references/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DESIGN_NOW, DESIGN_STATES } from '../../demo/src/design/scenarios.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { AXE, pictures, REFERENCES } from './pictures.js';

/** Each language once, each theme once, both widths. */
const COMBINATIONS = [
  { locale: 'en', theme: 'light', width: 'desktop' },
  { locale: 'th', theme: 'dark', width: '375' },
  { locale: 'zh-TW', theme: 'brand', width: 'desktop' },
] as const;

let h: Harness;
let compare: ReturnType<typeof pictures>['compare'];
before(async () => {
  h = await startHarness();
  ({ compare } = pictures('gallery'));
});
after(async () => {
  await h?.close();
});

describe('the design-review page', () => {
  for (const combo of COMBINATIONS) {
    const key = `${combo.locale}-${combo.theme}-${combo.width}`;

    test(`${key}: every state matches its reference and axe finds nothing`, async () => {
      const context = await h.browser.newContext({
        // The 375 px combination in a real 375-px viewport, so the elements' media queries see a phone.
        viewport: combo.width === '375' ? { width: 375, height: 812 } : { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        timezoneId: 'Asia/Bangkok',
        locale: 'en-US',
        baseURL: h.demo.url,
        reducedMotion: 'reduce',
      });
      // Navigation waits for the page's load event (its bundle and fonts); with other suites sharing the
      // machine's cores that can pass Playwright's 30 s default, which is not what these tests measure.
      context.setDefaultNavigationTimeout(120_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.clock.setFixedTime(DESIGN_NOW);
      await page.goto(`/design?locale=${combo.locale}&theme=${combo.theme}&width=${combo.width}`);
      await page.locator('html[data-ready]').waitFor({ timeout: 60_000 });
      // Font subsets load on first use: load every one the page's text needs before any capture.
      await page.evaluate(async () => {
        const text = document.body.innerText;
        await Promise.all(
          ['400', '600', '700'].flatMap((w) =>
            ['Noto Sans Thai', 'Noto Sans TC'].map((f) =>
              document.fonts.load(`${w} 16px "${f}"`, text).catch(() => []),
            ),
          ),
        );
        await document.fonts.ready;
      });

      const problems: string[] = [];
      for (const state of DESIGN_STATES) {
        // Elements move focus on some changes (to an invalid field, to a new status), and only one on the
        // page can have it: which one would be a race, so no picture shows a focus ring.
        await page.evaluate(() => {
          let active = document.activeElement;
          while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
          (active as HTMLElement | null)?.blur();
        });
        const frame = page.locator(`[data-state="${state.id}"] .canvas`);
        if (state.ready) await frame.locator(state.ready).first().waitFor();
        const shot = await frame.screenshot({ animations: 'disabled', caret: 'hide', scale: 'css' });
        const problem = compare(`${key}-${state.id}`, join(REFERENCES, key, `${state.id}.png`), shot);
        if (problem) problems.push(problem);
      }

      await page.addScriptTag({ content: AXE });
      // (No named functions inside evaluate: tsx would wrap them in a helper the page does not have.)
      const violations = await page.evaluate(
        async (ids) => {
          interface AxeResults {
            violations: { id: string; help: string; nodes: { target: string[] }[] }[];
          }
          const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResults> } })
            .axe;
          // The whole page, but for landmark-unique: the gallery shows many QR (and bank) elements side by
          // side, each its own landmark named like the others, which a shop's page never does. That rule
          // runs per state below, where each element stands as it would on a page.
          const runs = [await axe.run(document, { rules: { 'landmark-unique': { enabled: false } } })];
          for (const id of ids)
            runs.push(
              await axe.run({ include: [[`[data-state="${id}"]`]] }, { runOnly: ['landmark-unique'] }),
            );
          return runs.flatMap((r) =>
            r.violations.map(
              (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            ),
          );
        },
        DESIGN_STATES.map((s) => s.id),
      );
      await context.close();

      assert.deepEqual(violations, [], `axe over /design (${key})`);
      assert.deepEqual(problems, [], `pictures of /design (${key})`);
      assert.deepEqual(errors, []);
    });
  }
});
