/**
 * Sandbox configuration: the platform key pair and the merchants (at most one appId per currency plus
 * the global-cashier appId), as in the `--config` JSON file (README "Config format"). Generated when
 * not given. A currency without a merchant simply has no appId: every call on its paths answers `4011`.
 */
import { randomBytes } from 'node:crypto';
import { generateHaiPayKeyPair, parsePrivateKey, parsePublicKey } from '@haipay-kit/protocol/node';
import { CURRENCY_SCALE, isSandboxCurrency, SANDBOX_CURRENCIES, type SandboxCurrency } from './money.js';

/** The currency slot of a merchant: a real currency, or `CASHIER` for the global-cashier business. */
export type MerchantCurrency = SandboxCurrency | 'CASHIER';

/** One merchant business (appId) the sandbox knows. */
export interface MerchantConfig {
  /** HaiPay business id; a JSON number on the wire. */
  appId: number;
  /** The currency this appId belongs to (`/{currency}/...` must match), or `CASHIER`. */
  currency: MerchantCurrency;
  /** The merchant secret key appended to every string to sign (docs/protocol.md §2.1). */
  secretKey: string;
  /** Merchant RSA public key (bare base64 SPKI or PEM): verifies the merchant's requests. */
  publicKey: string;
  /** Merchant RSA private key — only in generated configs, so tests and demos can sign requests. */
  privateKey?: string;
  /**
   * `inBankCode`s enabled for this merchant. Default: every method of its currency. A method outside
   * this list is answered `4012` ("you do not have an available product").
   */
  methods?: string[];
  /** Whether payouts are enabled (default true; TWD has no payout product whatever this says). */
  payouts?: boolean;
  /**
   * Opening available balance, as a HaiPay amount string in the currency's format (`"1000.00"` THB/USD,
   * `"5000"` TWD/VND); default zero. Not for `CASHIER`, which has no ledger.
   */
  openingBalance?: string;
}

/** The sandbox config file (`--config file.json`) and `sandbox.config`. */
export interface SandboxConfig {
  /** HaiPay's own key pair: signs responses and notifications. */
  platform: { privateKey: string; publicKey: string };
  /**
   * Merchants: at least one, at most one per currency (`THB`, `TWD`, `USD`, `VND`) plus one `CASHIER`.
   * Any subset works; a currency left out has no appId (its paths answer `4011`).
   */
  merchants: MerchantConfig[];
}

/** appIds used by generated configs, in a fixed order so logs and docs stay readable. */
export const GENERATED_APP_IDS: Readonly<Record<MerchantCurrency, number>> = {
  THB: 1054,
  TWD: 1055,
  USD: 1056,
  VND: 1057,
  CASHIER: 1058,
};

function secret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Generates a complete config: a platform pair and one merchant per currency (THB, TWD, USD, VND)
 * plus a `CASHIER` appId, each with its own key pair and secret, private keys included.
 */
export function generateSandboxConfig(): SandboxConfig {
  const platform = generateHaiPayKeyPair();
  const slots: MerchantCurrency[] = [...SANDBOX_CURRENCIES, 'CASHIER'];
  return {
    platform,
    merchants: slots.map((currency) => {
      const pair = generateHaiPayKeyPair();
      return {
        appId: GENERATED_APP_IDS[currency],
        currency,
        secretKey: secret(),
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
      };
    }),
  };
}

/**
 * Checks a config eagerly and throws an error that names the fix (CONVENTIONS.md: factories validate
 * once). Returns the same object.
 */
export function checkSandboxConfig(config: unknown): SandboxConfig {
  const fail = (msg: string): never => {
    throw new TypeError(`sandbox config: ${msg}`);
  };
  if (config === null || typeof config !== 'object')
    return fail('must be an object { platform, merchants }.');
  const c = config as Partial<SandboxConfig>;
  if (!c.platform || typeof c.platform !== 'object')
    return fail('`platform` { privateKey, publicKey } is missing.');
  parsePrivateKey(c.platform.privateKey, 'platform.privateKey');
  parsePublicKey(c.platform.publicKey, 'platform.publicKey');
  if (!Array.isArray(c.merchants) || c.merchants.length === 0)
    return fail('`merchants` must be a non-empty array.');
  const seen = new Set<number>();
  const currencies = new Set<string>();
  c.merchants.forEach((m, i) => {
    const at = `merchants[${i}]`;
    if (!m || typeof m !== 'object') fail(`${at} must be an object.`);
    if (!Number.isSafeInteger(m.appId) || m.appId <= 0)
      fail(`${at}.appId must be a positive integer (a JSON number).`);
    if (seen.has(m.appId)) fail(`${at}.appId ${m.appId} appears twice.`);
    seen.add(m.appId);
    if (!isSandboxCurrency(m.currency) && m.currency !== 'CASHIER') {
      fail(`${at}.currency must be one of ${[...SANDBOX_CURRENCIES, 'CASHIER'].join(', ')} (upper case).`);
    }
    if (currencies.has(m.currency))
      fail(`${at}: a second merchant for ${m.currency}; HaiPay gives one appId per currency.`);
    currencies.add(m.currency);
    if (typeof m.secretKey !== 'string' || m.secretKey.trim() === '' || m.secretKey !== m.secretKey.trim()) {
      fail(`${at}.secretKey must be a non-empty string without surrounding whitespace.`);
    }
    parsePublicKey(m.publicKey, `${at}.publicKey`);
    if (m.privateKey !== undefined) parsePrivateKey(m.privateKey, `${at}.privateKey`);
    if (
      m.methods !== undefined &&
      (!Array.isArray(m.methods) || m.methods.some((x) => typeof x !== 'string'))
    ) {
      fail(`${at}.methods must be an array of inBankCode strings.`);
    }
    if (m.payouts !== undefined && typeof m.payouts !== 'boolean')
      fail(`${at}.payouts must be true or false.`);
    if (m.openingBalance !== undefined) {
      if (m.currency === 'CASHIER') fail(`${at}.openingBalance: the CASHIER business has no ledger.`);
      const scale = CURRENCY_SCALE[m.currency as SandboxCurrency];
      const pattern = scale === 2 ? /^\d{1,13}\.\d{2}$/ : /^\d{1,13}$/;
      if (typeof m.openingBalance !== 'string' || !pattern.test(m.openingBalance)) {
        fail(
          `${at}.openingBalance must be a ${m.currency} amount string like ${scale === 2 ? '"1000.00"' : '"5000"'}.`,
        );
      }
    }
  });
  return c as SandboxConfig;
}
