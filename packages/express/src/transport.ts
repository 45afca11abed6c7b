/**
 * `HttpTransport` — how the client talks HTTP. The default uses Node's global `fetch` (undici, with
 * keep-alive); tests and exotic deployments (proxies, mTLS) plug their own in.
 */
import { HaiPayConnectionError, HaiPayTimeoutError } from './errors.js';

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

/** The default transport, on the global `fetch`. */
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
