/**
 * The sandbox gateway in a process of its own (manual clock, as in tests: it never completes, expires
 * or notifies anything by itself), so its signing and verifying are never charged to the router. It
 * counts the HaiPay API calls it serves (requests to HaiPay's endpoints, not to the control API or the
 * hosted pages),
 * which is how the bench sees how often the router calls HaiPay.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { matchEndpointPath } from '@haipay-kit/protocol';
import { createSandbox, type SandboxConfig } from '@haipay-kit/sandbox';
import { CHILD_FLAG, serveChild, startChild, usage, type Child } from './children.js';

/** What the sandbox child reports. */
export interface SandboxStats {
  /** Signed API calls served so far (HaiPay's endpoints: `/thb/collect/query`, …), and by path. */
  apiCalls: number;
  byPath: Record<string, number>;
  cpuMs: number;
}

/** Starts the sandbox child with `config`; `url` is its base URL. */
export async function startSandboxProcess(
  config: SandboxConfig,
): Promise<{ child: Child; url: string; stats: () => Promise<SandboxStats> }> {
  const child = await startChild(fileURLToPath(import.meta.url), { init: config });
  return {
    child,
    url: String(child.ready.url),
    stats: () => child.call<SandboxStats>('stats'),
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  await serveChild<SandboxConfig>(async (config) => {
    const byPath: Record<string, number> = {};
    let apiCalls = 0;
    // Node's own HTTP server channel: every request the sandbox's server receives.
    subscribe('http.server.request.start', (message) => {
      const path = ((message as { request: IncomingMessage }).request.url ?? '').split('?')[0]!;
      if (!matchEndpointPath(path)) return;
      apiCalls++;
      byPath[path] = (byPath[path] ?? 0) + 1;
    });
    const sandbox = await createSandbox({ config, clock: 'manual' });
    return {
      ready: { url: sandbox.url },
      handlers: {
        stats: (): SandboxStats => ({ apiCalls, byPath: { ...byPath }, cpuMs: usage().cpuMs }),
      },
      close: () => sandbox.close(),
    };
  });
}
