/**
 * The storefront's files: built with Vite when the build is missing or older than its sources (so a
 * fresh clone needs no separate build step), or served through Vite's middleware in `--dev` mode.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';

export const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = join(DEMO_DIR, '..');
const STAMP = '.build-stamp';

/** Sources the bundle is made from: the shop and the elements it embeds. */
const SOURCES = [
  join(DEMO_DIR, 'index.html'),
  join(DEMO_DIR, 'design.html'),
  join(DEMO_DIR, 'vite.config.ts'),
  join(DEMO_DIR, 'src'),
  join(REPO_DIR, 'vite.config.ts'),
  join(REPO_DIR, 'packages/elements/src'),
  join(REPO_DIR, 'packages/protocol/src/rules'),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** True when `distDir` holds a build at least as new as every source. */
function isBuildFresh(distDir: string): boolean {
  const stamp = join(distDir, STAMP);
  if (!existsSync(stamp) || !existsSync(join(distDir, 'index.html'))) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((s) => newestMtime(s) <= built);
}

/**
 * Builds the storefront into `distDir` unless it is fresh. Builds into a sibling temp folder and renames
 * it into place, so two processes starting at once never serve a half-written build.
 */
export async function ensureBuilt(dist: string, log: (msg: string) => void): Promise<void> {
  const distDir = resolve(dist);
  if (isBuildFresh(distDir)) return;
  const started = Date.now();
  log('building the storefront with Vite…');
  const { build } = await import('vite');
  const tmp = `${distDir}.tmp-${process.pid}-${Date.now()}`;
  // Vite sets process.env.NODE_ENV to 'production' for the build and leaves it so: the rest of this
  // process (the sandbox, the HaiPay client's http: check) must keep seeing the environment it started in.
  const nodeEnv = process.env.NODE_ENV;
  await build({
    configFile: join(DEMO_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  writeFileSync(join(tmp, STAMP), new Date().toISOString());
  mkdirSync(join(distDir, '..'), { recursive: true });
  if (isBuildFresh(distDir)) {
    // Another process finished first; keep its build.
    rmSync(tmp, { recursive: true, force: true });
  } else {
    const old = `${distDir}.old-${process.pid}-${Date.now()}`;
    if (existsSync(distDir)) renameSync(distDir, old);
    renameSync(tmp, distDir);
    rmSync(old, { recursive: true, force: true });
  }
  log(`storefront built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Vite in middleware mode (HMR) for working on the storefront: `node demo/server.ts --dev`. */
export async function viteDevMiddleware(
  httpServer: Server,
): Promise<{ handler: RequestHandler; close: () => Promise<void> }> {
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: join(DEMO_DIR, 'vite.config.ts'),
    // Hot reload over the demo's own port, so even dev mode needs one port only.
    server: { middlewareMode: true, hmr: { server: httpServer } },
    appType: 'spa',
  });
  return { handler: vite.middlewares as unknown as RequestHandler, close: () => vite.close() };
}
