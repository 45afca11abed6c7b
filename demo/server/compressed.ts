/**
 * The storefront's hashed scripts and styles, compressed: Brotli when the browser takes it, else gzip,
 * each file compressed once and kept in memory (the build is small and never changes while the server
 * runs; a new build is a new process). Hashed names never change content, so they are cached for a year
 * (`immutable`). Anything else falls through to express.static.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export function compressedAssets(dir: string): RequestHandler {
  const root = resolve(dir);
  const cache = new Map<string, Promise<Buffer | null>>();
  const compress = (file: string, encoding: 'br' | 'gzip') =>
    readFile(file).then(
      (raw) =>
        encoding === 'br'
          ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
          : gzipSync(raw, { level: 9 }),
      () => null,
    );
  return (req, res, next) => {
    const type = TYPES[extname(req.path)];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !type) return next();
    res.vary('Accept-Encoding');
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
    const file = join(root, decodeURIComponent(req.path));
    if (!encoding || !file.startsWith(root + sep)) return next();
    const key = `${encoding}:${file}`;
    if (!cache.has(key)) cache.set(key, compress(file, encoding));
    cache.get(key)!.then((body) => {
      if (!body) return next();
      res.set({
        'Content-Type': type,
        'Content-Encoding': encoding,
        'Cache-Control': 'public, max-age=31536000, immutable',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, next);
  };
}
