/**
 * `HttpTransport` — how the client talks HTTP. The default, {@link createNodeHttpTransport}, sends
 * each call over `node:http`/`node:https` with a keep-alive agent, so sequential calls to HaiPay reuse
 * one connection (and its TLS session) instead of opening a new one each time.
 * {@link createFetchTransport} does the same job on the global `fetch`; tests and exotic deployments
 * (proxies, custom TLS) can plug in their own.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type AgentOptions } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { HaiPayConfigError, HaiPayConnectionError, HaiPayTimeoutError } from './errors.js';

/** One HTTP request as the client makes it. */
export interface TransportRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** Abort after this many milliseconds with {@link HaiPayTimeoutError}. */
  timeoutMs: number;
}

/** The raw answer: status and body text (never parsed by the transport — signatures need the raw text). */
export interface TransportResponse {
  status: number;
  body: string;
}

/**
 * Sends HTTP requests. Must throw {@link HaiPayTimeoutError} on timeout and {@link HaiPayConnectionError}
 * when no complete answer was read; any HTTP status is returned, not thrown.
 */
export interface HttpTransport {
  request(request: TransportRequest): Promise<TransportResponse>;
}

/** Options of {@link createNodeHttpTransport}. Every field is optional. */
export interface NodeHttpTransportOptions {
  /**
   * Connections open at once to one origin (scheme, host and port); further calls wait for a free
   * one, within their `timeoutMs`. Default 64.
   */
  maxSockets?: number;
  /**
   * How long an idle connection is kept for the next call, in milliseconds. Default 4000; a server that
   * announces a shorter `Keep-Alive: timeout` is believed.
   */
  idleTimeoutMs?: number;
  /**
   * TLS settings for `https:` URLs: `ca` to trust a private certificate authority, `cert` and `key`
   * (or `pfx` and `passphrase`) to present a client certificate (mutual TLS). Certificates are always
   * verified.
   */
  tls?: Pick<AgentOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase'>;
}

/** Decodes a compressed answer (a server may compress even when not asked to). */
function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  const coding = (encoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return bytes;
  if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(bytes);
  if (coding === 'deflate') return inflateSync(bytes);
  if (coding === 'br') return brotliDecompressSync(bytes);
  throw new Error(`unsupported content-encoding "${coding}"`);
}

/**
 * The default transport: `node:http` or `node:https` (chosen by the URL's scheme) over a keep-alive
 * agent per scheme, shared by every call of the client that uses it.
 *
 * `timeoutMs` covers the whole call — waiting for a connection, connecting, sending, and reading the
 * complete answer — and ends it with {@link HaiPayTimeoutError}. A failed connection, a connection
 * closed before the whole answer arrived (fewer bytes than its `Content-Length`, an unfinished chunked
 * body) or an answer that cannot be decoded is a {@link HaiPayConnectionError}. The body is decoded as
 * UTF-8 once, when complete, so a character split between two packets arrives whole.
 *
 * @example
 * const client = new HaiPayClient({ ...options, transport: createNodeHttpTransport({ maxSockets: 16 }) });
 */
export function createNodeHttpTransport(options: NodeHttpTransportOptions = {}): HttpTransport {
  const maxSockets = options.maxSockets ?? 64;
  const idleTimeoutMs = options.idleTimeoutMs ?? 4000;
  if (!Number.isSafeInteger(maxSockets) || maxSockets < 1)
    throw new HaiPayConfigError(`maxSockets: must be an integer ≥ 1, got ${String(maxSockets)}`);
  if (!Number.isSafeInteger(idleTimeoutMs) || idleTimeoutMs < 1)
    throw new HaiPayConfigError(
      `idleTimeoutMs: must be an integer ≥ 1 (milliseconds), got ${String(idleTimeoutMs)}`,
    );
  const agentOptions = { keepAlive: true, maxSockets, timeout: idleTimeoutMs, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOptions);
  // Only the TLS settings named in the options: certificates are always verified.
  const { ca, cert, key, pfx, passphrase } = options.tls ?? {};
  const https = new HttpsAgent({ ...agentOptions, ca, cert, key, pfx, passphrase });

  return {
    request(req) {
      const target = new URL(req.url);
      const origin = target.origin;
      const secure = target.protocol === 'https:';
      return new Promise<TransportResponse>((resolve, reject) => {
        let settled = false;
        let outgoing: ClientRequest | undefined;
        const fail = (err: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          outgoing?.destroy();
          reject(err);
        };
        const timer = setTimeout(
          () => fail(new HaiPayTimeoutError(`No answer from ${origin} within ${req.timeoutMs} ms`)),
          req.timeoutMs,
        );
        const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
        const headers: Record<string, string | number> = { ...req.headers };
        if (body) headers['content-length'] = body.length;
        const send = secure ? httpsRequest : httpRequest;
        try {
          outgoing = send(target, { method: req.method, headers, agent: secure ? https : http }, onAnswer);
        } catch (err) {
          // A header Node refuses to send (a control character in a value): nothing left the process.
          fail(
            new HaiPayConnectionError(`Could not send to ${origin}: ${(err as Error).message}`, {
              cause: err,
            }),
          );
          return;
        }
        outgoing.on('error', (err: NodeJS.ErrnoException) =>
          fail(
            new HaiPayConnectionError(`Could not reach ${origin}: ${err.code ?? err.message}`, {
              cause: err,
            }),
          ),
        );
        outgoing.end(body);

        function onAnswer(res: IncomingMessage) {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) =>
            fail(
              new HaiPayConnectionError(`The answer from ${origin} was cut off: ${err.message}`, {
                cause: err,
              }),
            ),
          );
          // `close` without `complete`: the connection ended before the whole body was read.
          res.on('close', () => {
            if (!res.complete)
              fail(new HaiPayConnectionError(`The answer from ${origin} was cut off before its end`));
          });
          res.on('end', () => {
            if (settled) return;
            let text: string;
            try {
              text = decode(Buffer.concat(chunks), res.headers['content-encoding']).toString('utf8');
            } catch (err) {
              fail(
                new HaiPayConnectionError(`The answer from ${origin} could not be decoded`, { cause: err }),
              );
              return;
            }
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: text });
          });
        }
      });
    },
  };
}

/** A transport on the global `fetch` (undici), for those who prefer it; the default is {@link createNodeHttpTransport}. */
export function createFetchTransport(): HttpTransport {
  return {
    async request(req) {
      const signal = AbortSignal.timeout(req.timeoutMs);
      try {
        const res = await fetch(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body ?? null,
          signal,
        });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        const name = (err as { name?: string })?.name;
        if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted) {
          throw new HaiPayTimeoutError(
            `No answer from ${new URL(req.url).origin} within ${req.timeoutMs} ms`,
            {
              cause: err,
            },
          );
        }
        const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
        throw new HaiPayConnectionError(
          `Could not reach ${new URL(req.url).origin}: ${cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err)}`,
          { cause: err },
        );
      }
    },
  };
}
