// Web-test-runner config for @haipay-kit/elements: real Chromium, TypeScript through esbuild, the
// workspace's source export condition, and a tiny fake Express companion (`/__companion/...`) served
// by the dev server itself, so the status stream, polling and `Date` header are real HTTP.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { companionMiddleware } from './test/companion-middleware.mjs';
import { countReporter } from './test/count-reporter.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const executablePath = process.env.HAIPAY_CHROME || process.env.CHROME_PATH || '/usr/bin/chromium';

export default {
  rootDir: here('../..'),
  files: [here('./test/**/*.test.ts'), here('./src/**/*.test.ts')],
  nodeResolve: { exportConditions: ['@haipay-kit/source', 'browser', 'development'] },
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      // The plugin reads this file raw (no `extends`), so point at the base config that sets
      // useDefineForClassFields: false itself (the elements declare reactive properties in
      // `static properties`, and a defined class field would shadow Lit's accessor).
      tsconfig: here('../../tsconfig.base.json'),
    }),
  ],
  middleware: [companionMiddleware()],
  // Keep the browser console quiet: Lit's one-time dev-mode notice is expected under `development`.
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en"><body>
      <script>window.litIssuedWarnings = new Set(['dev-mode']);</script>
      <script type="module" src="${testFramework}"></script>
    </body></html>`,
  // One page at a time: a background tab reports document.hidden, and the elements pause while hidden.
  concurrency: 1,
  // A hang guard, not a speed check (speed is measured by `pnpm bench`): generous, because the first
  // test of a file that loads axe-core or a lazy chunk can take many seconds on a loaded CI machine.
  testFramework: {
    config: { timeout: 30_000, ...(process.env.WTR_GREP ? { grep: process.env.WTR_GREP } : {}) },
  },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        args: [
          '--no-sandbox',
          '--headless=new',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-dev-shm-usage',
        ],
      },
      // Copy buttons use the real async clipboard; grant it to the test origin up front.
      async createPage({ context, config }) {
        const origin = `${config.protocol ?? 'http:'}//${config.hostname}:${config.port}`;
        await context
          .overridePermissions(origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write'])
          .catch(() => {});
        return context.newPage();
      },
    }),
  ],
  reporters: [defaultReporter(), countReporter()],
};
