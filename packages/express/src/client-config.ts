/**
 * The client's options and their validation: every credential is parsed into a signer and verifier
 * once, when the client is made, with errors that name the option and the fix.
 */
import {
  createSigner,
  createVerifier,
  type KeyInput,
  type Signer,
  type Verifier,
} from '@haipay-kit/protocol/node';
import { HaiPayConfigError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import type { TelemetryOptions } from './metrics.js';
import { createNodeHttpTransport, type HttpTransport } from './transport.js';

/** HaiPay's UAT (test) base URL — docs/protocol.md §1. */
export const HAIPAY_UAT_URL = 'https://uat-interface.haipay.asia';
/** Production base URL seen in third-party integrations; confirm with HaiPay at go-live. */
export const HAIPAY_PRODUCTION_URL = 'https://interface.haipay.asia';

/** Credentials of one HaiPay business (appId). */
export interface MerchantCredentials {
  /** HaiPay appId (sent as a JSON integer when numeric). */
  appId: string | number;
  /** The merchant secret key from the back office. */
  secretKey: string;
  /** The merchant RSA private key: bare base64 PKCS#8 (HaiPay's format) or PEM. */
  privateKey: KeyInput;
}

/** Options for {@link HaiPayClient}. */
export interface HaiPayClientOptions extends TelemetryOptions {
  /** Base URL. Default {@link HAIPAY_UAT_URL}; set {@link HAIPAY_PRODUCTION_URL} (or your go-live URL) in production. */
  baseUrl?: string;
  /**
   * One business per currency, keyed by upper-case currency (`THB`, `TWD`, `USD`, `VND`), plus `CASHIER`
   * for the global cashier's special appId.
   */
  merchants: Record<string, MerchantCredentials>;
  /** HaiPay's platform public key (bare base64 SPKI or PEM), used to verify answers and notifications. */
  platformPublicKey: KeyInput;
  /** Per-attempt timeout in milliseconds. Default 15000 (HaiPay is in Singapore; use ≥ 2000). */
  timeoutMs?: number;
  /** Extra attempts for queries after a timeout, connection error, HTTP 5xx or 1003/1004. Default 2. */
  queryRetries?: number;
  /** First retry delay in ms, doubled each attempt, with jitter. Default 200. */
  retryDelayMs?: number;
  /** Which merchant key signs subscription calls. Default `USD`. */
  subscriptionMerchant?: string;
  /** Which merchant key signs global cashier calls. Default `CASHIER`. */
  cashierMerchant?: string;
  /**
   * HTTP transport. Default: {@link createNodeHttpTransport} (`node:http`/`node:https` with keep-alive
   * connections); `createFetchTransport()` uses the global `fetch` instead.
   */
  transport?: HttpTransport;
  /** Logger (redacting). Default: silent. */
  logger?: Logger;
  /**
   * Production mode: a plain `http:` `baseUrl` is refused (keys, card data and HaiPay's answers must
   * travel over TLS). Default `NODE_ENV === 'production'`.
   */
  production?: boolean;
}

/** Resolved client configuration. */
export interface HaiPayClientConfig {
  baseUrl: string;
  timeoutMs: number;
  queryRetries: number;
  retryDelayMs: number;
  subscriptionMerchant: string;
  cashierMerchant: string;
  merchantKeys: readonly string[];
}

/** A loaded merchant: credentials turned into a signer and verifier once. */
export interface LoadedMerchant {
  key: string;
  appId: string | number;
  signer: Signer;
  verifier: Verifier;
}

function normalizeAppId(appId: unknown, option: string): string | number {
  if (typeof appId === 'number' && Number.isSafeInteger(appId) && appId > 0) return appId;
  if (typeof appId === 'string' && /^\d{1,15}$/.test(appId)) return Number(appId);
  if (typeof appId === 'string' && appId.trim() !== '') return appId;
  throw new HaiPayConfigError(`${option}.appId: is missing. Give the appId HaiPay issued for this currency.`);
}

/** The options, validated: the public configuration, the loaded merchants, the transport and the logger. */
export function resolveClientOptions(options: HaiPayClientOptions): {
  config: HaiPayClientConfig;
  merchants: Map<string, LoadedMerchant>;
  transport: HttpTransport;
  logger: Logger;
} {
  const merchants = new Map<string, LoadedMerchant>();
  if (!options || typeof options !== 'object') {
    throw new HaiPayConfigError('HaiPayClient: options are required ({ merchants, platformPublicKey }).');
  }
  const baseUrl = (options.baseUrl ?? HAIPAY_UAT_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new HaiPayConfigError(`baseUrl: "${baseUrl}" is not a URL. Use ${HAIPAY_UAT_URL} for UAT.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new HaiPayConfigError(`baseUrl: must be http(s), got ${parsed.protocol}`);
  }
  const production = options.production ?? process.env.NODE_ENV === 'production';
  if (production && parsed.protocol !== 'https:') {
    throw new HaiPayConfigError(
      `baseUrl: "${baseUrl}" is plain http, refused in production (card data and keys must travel over TLS). ` +
        `Use ${HAIPAY_PRODUCTION_URL} (or the https URL HaiPay gave you); a local sandbox belongs in development only.`,
    );
  }
  if (
    !options.merchants ||
    typeof options.merchants !== 'object' ||
    Object.keys(options.merchants).length === 0
  ) {
    throw new HaiPayConfigError(
      'merchants: give at least one business, e.g. { THB: { appId, secretKey, privateKey } } (one appId per currency).',
    );
  }
  if (options.platformPublicKey === undefined || options.platformPublicKey === null) {
    throw new HaiPayConfigError(
      "platformPublicKey: is missing. Download HaiPay's platform public key from the merchant back office.",
    );
  }
  for (const [rawKey, creds] of Object.entries(options.merchants)) {
    const key = rawKey.toUpperCase();
    const option = `merchants.${rawKey}`;
    if (!creds || typeof creds !== 'object')
      throw new HaiPayConfigError(`${option}: must be { appId, secretKey, privateKey }.`);
    const appId = normalizeAppId(creds.appId, option);
    let signer: Signer;
    let verifier: Verifier;
    try {
      signer = createSigner({ privateKey: creds.privateKey, secretKey: creds.secretKey });
      verifier = createVerifier({ publicKey: options.platformPublicKey, secretKey: creds.secretKey });
    } catch (err) {
      const message = (err as Error).message;
      throw new HaiPayConfigError(
        message.startsWith('publicKey')
          ? `platformPublicKey${message.slice('publicKey'.length)}`
          : `${option}.${message}`,
        { cause: err },
      );
    }
    merchants.set(key, { key, appId, signer, verifier });
  }
  const int = (v: unknown, name: string, def: number, min: number): number => {
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw new HaiPayConfigError(
        `${name}: must be a number ≥ ${min}, got ${typeof v === 'number' ? v : typeof v}.`,
      );
    }
    return v;
  };
  const config: HaiPayClientConfig = Object.freeze({
    baseUrl,
    timeoutMs: int(options.timeoutMs, 'timeoutMs', 15_000, 1),
    queryRetries: int(options.queryRetries, 'queryRetries', 2, 0),
    retryDelayMs: int(options.retryDelayMs, 'retryDelayMs', 200, 0),
    subscriptionMerchant: (options.subscriptionMerchant ?? 'USD').toUpperCase(),
    cashierMerchant: (options.cashierMerchant ?? 'CASHIER').toUpperCase(),
    merchantKeys: Object.freeze([...merchants.keys()]),
  });
  return {
    config,
    merchants,
    transport: options.transport ?? createNodeHttpTransport(),
    logger: options.logger ?? silentLogger,
  };
}
