/**
 * Root Vite config: resolves workspace packages to their TypeScript source (the `@haipay-kit/source`
 * export condition), so the demo storefront and bundle measurements need no build step first.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: {
    conditions: ['@haipay-kit/source', 'browser', 'module', 'import', 'default'],
  },
  esbuild: {
    tsconfigRaw: {
      compilerOptions: { useDefineForClassFields: false },
    },
  },
});
