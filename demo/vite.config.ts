/**
 * The storefront's Vite config: the root config (workspace packages resolved to their TypeScript source
 * through the `@haipay-kit/source` condition) with the demo folder as root. The demo server builds with
 * it on start (see server/assets.ts), or serves through Vite's middleware with `--dev`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import rootConfig from '../vite.config.js';

const root = fileURLToPath(new URL('.', import.meta.url));

export default mergeConfig(
  rootConfig,
  defineConfig({
    root,
    plugins: [
      {
        // Noto Sans TC's stylesheet also declares Latin, Cyrillic and Vietnamese slices: a Latin page
        // would download them whenever the system lacks an earlier face in the stack. The shop needs
        // it for Chinese only (src/fonts.ts).
        name: 'noto-sans-tc-chinese-only',
        enforce: 'pre',
        transform(code: string, id: string) {
          if (!/@fontsource\/noto-sans-tc\/\d+\.css$/.test(id)) return undefined;
          return code.replace(
            /\/\* noto-sans-tc-(?:latin|latin-ext|cyrillic|vietnamese)-\d+-normal \*\/\s*@font-face\s*\{[^}]*\}/g,
            '',
          );
        },
      },
    ],
    base: '/',
    publicDir: false,
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      // Every asset is hashed under /assets: the shop makes no request outside its own origin. Font
      // subsets stay separate files so a browser fetches only the scripts a page shows.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
      // The shop, and the design-review page (/design) with every element in every state.
      rollupOptions: { input: { main: join(root, 'index.html'), design: join(root, 'design.html') } },
    },
  }),
);
