/**
 * Development keys: on first run the demo generates a sandbox config — HaiPay's platform key pair and
 * one merchant (appId, secret, RSA pair) per currency — into its ignored data folder, and reuses it
 * afterwards, so orders in the SQLite store stay verifiable across restarts. None of it is ever sent to
 * a browser. In production these come from HaiPay's merchant back office (docs/guide.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { checkSandboxConfig, generateSandboxConfig, type SandboxConfig } from '@haipay-kit/sandbox';

const KEYS_FILE = 'dev-keys.json';

export function loadOrCreateDevKeys(dataDir: string): {
  config: SandboxConfig;
  created: boolean;
  file: string;
} {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, KEYS_FILE);
  if (existsSync(file)) {
    const config = checkSandboxConfig(JSON.parse(readFileSync(file, 'utf8')) as unknown);
    return { config, created: false, file };
  }
  const generated = generateSandboxConfig();
  // A shop that has traded for a while: money in the account, so refunds and payouts work at once.
  const opening: Record<string, string> = { USD: '2500.00', THB: '50000.00', TWD: '30000' };
  const config: SandboxConfig = {
    ...generated,
    merchants: generated.merchants.map((m) =>
      opening[m.currency] ? { ...m, openingBalance: opening[m.currency] } : m,
    ),
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  try {
    chmodSync(file, 0o600);
  } catch {
    // Not every file system keeps modes; the folder is git-ignored either way.
  }
  return { config, created: true, file };
}
