/**
 * `HaiPayClient` — signed calls to HaiPay's merchant API, one method per endpoint.
 *
 * Every request is signed with the merchant key of the currency's appId; every answer is read as raw
 * text, parsed losslessly and its `data` verified with the platform key before anything is believed
 * (docs/protocol.md §2.3–2.4). Queries are retried with backoff. Applies are never re-sent: on
 * `1003`/`1004`, a timeout, a dropped connection or an unreadable answer they raise
 * {@link HaiPayOutcomeUnknownError}, and the order is settled by query.
 */
import {
  ENDPOINTS,
  parseJsonLossless,
  signSafetyIssues,
  toPlain,
  LosslessNumber,
  type EndpointId,
  type LosslessObject,
  type LosslessValue,
  type PlainValue,
} from '@haipay-kit/protocol';
import {
  createSigner,
  createVerifier,
  type KeyInput,
  type Signer,
  type Verifier,
} from '@haipay-kit/protocol/node';
import {
  HaiPayApiError,
  HaiPayConfigError,
  HaiPayConnectionError,
  HaiPayError,
  HaiPayOutcomeUnknownError,
  HaiPayProtocolError,
  HaiPaySignatureError,
  HaiPayTimeoutError,
  HaiPayValidationError,
} from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { createFetchTransport, type HttpTransport } from './transport.js';

/** HaiPay's UAT (test) base URL — docs/protocol.md §1. */
export const HAIPAY_UAT_URL = 'https://uat-interface.haipay.asia';
/** Production base URL seen in third-party integrations; confirm with HaiPay at go-live. */
export const HAIPAY_PRODUCTION_URL = 'https://interface.haipay.asia';

/** Error codes after which an apply's order may exist (docs/protocol.md §8.1). */
export const OUTCOME_UNKNOWN_CODES: readonly string[] = ['1003', '1004'];

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
export interface HaiPayClientOptions {
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
  /** HTTP transport. Default: global `fetch`. */
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

/** A verified answer's `data`, as plain values (numbers as JS numbers). */
export type HaiPayData = { [key: string]: PlainValue };

/** `data` of a collect (or cashier) apply. */
export interface CollectApplyData extends HaiPayData {
  orderId: string;
  orderNo: string;
}

/** `data` of a collect query. `status`: 0 not started, 1 processing, 2 success, 3 failed, 4 partial, 5 excess, -1 exception. */
export interface CollectQueryData extends HaiPayData {
  orderId: string;
  orderNo: string;
  status: number;
}

/** `data` of a subscription apply/query/cancel. `status` (string): -1, 1 processing, 2 active, 3 failed, 4 cancelled. */
export interface SubscriptionData extends HaiPayData {
  subscriptionNo: string;
}

/** How a call behaves on failure. */
type CallKind = 'apply' | 'query';

/** A HaiPay endpoint as the client calls it. */
export interface EndpointSpec {
  /** Stable id (the protocol package's `ENDPOINTS` key). */
  id: string;
  /** Path, with `{currency}` for the lower-case path currency. */
  path: string;
  kind: CallKind;
  /** The field holding the order id, for outcome-unknown errors. */
  orderIdField?: string;
}

/** Every endpoint the client knows (docs/protocol.md §3). */
export const HAIPAY_ENDPOINTS = {
  collectApply: {
    id: 'collectApply',
    path: '/{currency}/collect/apply',
    kind: 'apply',
    orderIdField: 'orderId',
  },
  collectQuery: { id: 'collectQuery', path: '/{currency}/collect/query', kind: 'query' },
  refundApply: { id: 'refundApply', path: '/usd/refund/apply', kind: 'apply', orderIdField: 'orderId' },
  refundQuery: { id: 'refundQuery', path: '/usd/refund/refundQuery', kind: 'query' },
  payApply: { id: 'payApply', path: '/{currency}/pay/apply', kind: 'apply', orderIdField: 'orderId' },
  payQuery: { id: 'payQuery', path: '/{currency}/pay/query', kind: 'query' },
  accountLedger: { id: 'accountLedger', path: '/{currency}/account/ledger', kind: 'query' },
  subscriptionApply: {
    id: 'subscriptionApply',
    path: '/subscription/apply',
    kind: 'apply',
    orderIdField: 'subscriptionOrderId',
  },
  subscriptionQuery: { id: 'subscriptionQuery', path: '/subscription/query', kind: 'query' },
  // Cancelling twice is harmless (4014 "already end status"), so a cancel may be retried like a query.
  subscriptionCancel: { id: 'subscriptionCancel', path: '/subscription/cancel', kind: 'query' },
  cashierApply: {
    id: 'cashierApply',
    path: '/global/cashier/collect/apply',
    kind: 'apply',
    orderIdField: 'orderId',
  },
  cashierQuery: { id: 'cashierQuery', path: '/global/cashier/collect/query', kind: 'query' },
} as const satisfies Record<string, EndpointSpec>;

/** A loaded merchant: credentials turned into a signer and verifier once. */
interface LoadedMerchant {
  key: string;
  appId: string | number;
  signer: Signer;
  verifier: Verifier;
}

/** A verified notification: which merchant it is for and its fields as plain values. */
export interface VerifiedNotification {
  merchant: string;
  data: HaiPayData;
  /** The fields exactly as parsed (numbers keep their source text). */
  raw: LosslessObject;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function normalizeAppId(appId: unknown, option: string): string | number {
  if (typeof appId === 'number' && Number.isSafeInteger(appId) && appId > 0) return appId;
  if (typeof appId === 'string' && /^\d{1,15}$/.test(appId)) return Number(appId);
  if (typeof appId === 'string' && appId.trim() !== '') return appId;
  throw new HaiPayConfigError(`${option}.appId: is missing. Give the appId HaiPay issued for this currency.`);
}

/**
 * The signed HaiPay client.
 *
 * @example
 * const client = new HaiPayClient({
 *   merchants: { THB: { appId: 1054, secretKey: process.env.HAIPAY_THB_SECRET!, privateKey: process.env.HAIPAY_PRIVATE_KEY! } },
 *   platformPublicKey: process.env.HAIPAY_PLATFORM_PUBLIC_KEY!,
 * });
 * const order = await client.collectQuery('THB', { orderId: 'hp_…' });
 */
export class HaiPayClient {
  /** The resolved configuration (no secrets). */
  readonly config: HaiPayClientConfig;
  readonly #merchants = new Map<string, LoadedMerchant>();
  readonly #transport: HttpTransport;
  readonly #logger: Logger;

  constructor(options: HaiPayClientOptions) {
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
      this.#merchants.set(key, { key, appId, signer, verifier });
    }
    const int = (v: unknown, name: string, def: number, min: number): number => {
      if (v === undefined) return def;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
        throw new HaiPayConfigError(`${name}: must be a number ≥ ${min}, got ${String(v)}.`);
      }
      return v;
    };
    this.config = Object.freeze({
      baseUrl,
      timeoutMs: int(options.timeoutMs, 'timeoutMs', 15_000, 1),
      queryRetries: int(options.queryRetries, 'queryRetries', 2, 0),
      retryDelayMs: int(options.retryDelayMs, 'retryDelayMs', 200, 0),
      subscriptionMerchant: (options.subscriptionMerchant ?? 'USD').toUpperCase(),
      cashierMerchant: (options.cashierMerchant ?? 'CASHIER').toUpperCase(),
      merchantKeys: Object.freeze([...this.#merchants.keys()]),
    });
    this.#transport = options.transport ?? createFetchTransport();
    this.#logger = options.logger ?? silentLogger;
  }

  /** True when a merchant is configured under `key` (a currency or `CASHIER`). */
  hasMerchant(key: string): boolean {
    return this.#merchants.has(key.toUpperCase());
  }

  /** The appId of a configured merchant. */
  appIdOf(key: string): string | number {
    return this.#merchant(key).appId;
  }

  #merchant(key: string): LoadedMerchant {
    const m = this.#merchants.get(key.toUpperCase());
    if (!m) {
      throw new HaiPayConfigError(
        `No HaiPay merchant configured for "${key}". Add merchants.${key.toUpperCase()} = { appId, secretKey, privateKey }.`,
      );
    }
    return m;
  }

  /** Finds the merchant a notification belongs to: by `appId`, else by `currency`. */
  merchantForNotification(fields: { appId?: unknown; currency?: unknown }): string | undefined {
    const appId = fields.appId === undefined || fields.appId === null ? undefined : String(fields.appId);
    if (appId !== undefined) {
      for (const m of this.#merchants.values()) if (String(m.appId) === appId) return m.key;
    }
    if (typeof fields.currency === 'string' && this.#merchants.has(fields.currency.toUpperCase())) {
      return fields.currency.toUpperCase();
    }
    return undefined;
  }

  /**
   * Parses and verifies a notification body (raw text, as received). Numbers are verified as their
   * source text. Throws {@link HaiPaySignatureError} when the body is not JSON, names no configured
   * merchant, or its `sign` does not verify.
   */
  verifyNotification(rawBody: string): VerifiedNotification {
    let parsed: unknown;
    try {
      parsed = parseJsonLossless(rawBody);
    } catch {
      throw new HaiPaySignatureError('Notification body is not JSON; refusing it.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new HaiPaySignatureError('Notification body is not a JSON object; refusing it.');
    }
    const raw = parsed as LosslessObject;
    const merchant = this.merchantForNotification({ appId: raw.appId?.toString(), currency: raw.currency });
    if (!merchant)
      throw new HaiPaySignatureError('Notification names an appId/currency that is not configured.');
    if (!this.#merchant(merchant).verifier.verify(raw)) {
      throw new HaiPaySignatureError('Notification signature does not verify with the platform public key.');
    }
    return { merchant, data: toPlain(raw) as HaiPayData, raw };
  }

  /**
   * Calls one endpoint with `params` (without `appId`/`sign`, which the client adds), verifies the answer
   * and returns its `data`. The low-level form of the per-endpoint methods.
   */
  async call<T extends HaiPayData = HaiPayData>(
    endpoint: EndpointSpec,
    merchantKey: string,
    params: Record<string, unknown>,
  ): Promise<T> {
    const merchant = this.#merchant(merchantKey);
    const path = endpoint.path.replace('{currency}', merchant.key.toLowerCase());
    const body: Record<string, unknown> = { appId: merchant.appId };
    // docs/protocol.md §2.2: HaiPay's Java drops "" and null when signing; never send them.
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') body[k] = v;
    // docs/protocol.md §2.5: a value with `&`, `=` or a control character makes the string to sign
    // ambiguous (it could be re-cut into other fields). Never sign one.
    const unsafe = signSafetyIssues(body);
    if (unsafe.length > 0) {
      throw new HaiPayValidationError(
        `Refusing to sign a ${endpoint.id} request: ${unsafe.map((i) => i.field).join(', ')} would make HaiPay's string to sign ambiguous.`,
        unsafe,
      );
    }
    const signed = merchant.signer.signParams(body);
    const text = JSON.stringify(signed);
    const url = `${this.config.baseUrl}${path}`;
    const attempts = endpoint.kind === 'query' ? this.config.queryRetries + 1 : 1;
    const orderId = endpoint.orderIdField ? String(body[endpoint.orderIdField] ?? '') : '';
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#once(url, text, merchant, endpoint.id)) as T;
      } catch (err) {
        const transient =
          err instanceof HaiPayTimeoutError ||
          err instanceof HaiPayConnectionError ||
          (err instanceof HaiPayApiError &&
            (OUTCOME_UNKNOWN_CODES.includes(err.code) || err.httpStatus >= 500));
        this.#logger.warn('haipay call failed', {
          endpoint: endpoint.id,
          attempt,
          error: (err as Error).name,
          code: err instanceof HaiPayApiError ? err.code : undefined,
          message: (err as Error).message,
        });
        if (endpoint.kind === 'apply') {
          // docs/protocol.md §1: 1003/1004/timeouts mean "may exist" — never re-send; settle by query.
          // A verified answer in a shape HaiPay does not document is not believed either; the order
          // may exist, so it is settled by query too.
          if (transient || err instanceof HaiPayProtocolError)
            throw new HaiPayOutcomeUnknownError(orderId, err);
          throw err;
        }
        if (!transient || attempt >= attempts) throw err;
        const delay = this.config.retryDelayMs * 2 ** (attempt - 1);
        await sleep(delay / 2 + Math.random() * (delay / 2));
      }
    }
  }

  async #once(url: string, body: string, merchant: LoadedMerchant, id: string): Promise<HaiPayData> {
    const res = await this.#transport.request({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      timeoutMs: this.config.timeoutMs,
    });
    let parsed: unknown;
    try {
      parsed = parseJsonLossless(res.body);
    } catch {
      if (res.status >= 500 || res.status === 429) {
        throw new HaiPayApiError(String(res.status), `HTTP ${res.status} without a JSON body`, res.status);
      }
      throw new HaiPayConnectionError(`HaiPay answered HTTP ${res.status} with a body that is not JSON.`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new HaiPayConnectionError(`HaiPay answered HTTP ${res.status} with JSON that is not an object.`);
    }
    const envelope = parsed as LosslessObject;
    const status = envelope.status instanceof LosslessNumber ? envelope.status.source : envelope.status;
    if (status !== '1') {
      const code =
        envelope.error === undefined || envelope.error === null ? String(res.status) : String(envelope.error);
      throw new HaiPayApiError(code, typeof envelope.msg === 'string' ? envelope.msg : '', res.status);
    }
    const data = envelope.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new HaiPaySignatureError(
        'HaiPay answered status "1" without a signed `data` object; refusing it.',
      );
    }
    if (!merchant.verifier.verify(data as LosslessObject)) {
      throw new HaiPaySignatureError(
        "The signature of HaiPay's answer does not verify. Check `platformPublicKey` and the merchant `secretKey`; " +
          'until it verifies, nothing in the answer is believed.',
      );
    }
    const plain = parseResponseData(id, data as LosslessObject);
    delete plain.sign;
    return plain;
  }

  /** `POST /{currency}/collect/apply` — create a collection order. Never retried; see {@link HaiPayOutcomeUnknownError}. */
  collectApply(currency: string, params: Record<string, unknown>): Promise<CollectApplyData> {
    return this.call<CollectApplyData>(HAIPAY_ENDPOINTS.collectApply, currency, params);
  }

  /** `POST /{currency}/collect/query` — a collection order's status. Retried with backoff. */
  collectQuery(
    currency: string,
    params: { orderId: string; orderNo?: string | null },
  ): Promise<CollectQueryData> {
    return this.call<CollectQueryData>(HAIPAY_ENDPOINTS.collectQuery, currency, params);
  }

  /** `POST /global/cashier/collect/apply` — a global cashier order (the `CASHIER` appId). */
  cashierApply(params: Record<string, unknown>): Promise<CollectApplyData> {
    return this.call<CollectApplyData>(HAIPAY_ENDPOINTS.cashierApply, this.config.cashierMerchant, params);
  }

  /** `POST /global/cashier/collect/query` — needs `orderId` and `orderNo`. */
  cashierQuery(params: { orderId: string; orderNo?: string | null }): Promise<CollectQueryData> {
    return this.call<CollectQueryData>(HAIPAY_ENDPOINTS.cashierQuery, this.config.cashierMerchant, params);
  }

  /** `POST /usd/refund/apply` — full refund of a card order (`orderId` is a NEW refund id, `orderNo` the original). */
  refundApply(params: { orderId: string; orderNo: string }): Promise<HaiPayData> {
    return this.call(HAIPAY_ENDPOINTS.refundApply, 'USD', params);
  }

  /** `POST /usd/refund/refundQuery` — a refund's status. */
  refundQuery(params: { orderId?: string; refundNo?: string }): Promise<HaiPayData> {
    return this.call(HAIPAY_ENDPOINTS.refundQuery, 'USD', params);
  }

  /** `POST /{currency}/pay/apply` — a payout. Never retried. */
  payApply(currency: string, params: Record<string, unknown>): Promise<HaiPayData> {
    return this.call(HAIPAY_ENDPOINTS.payApply, currency, params);
  }

  /** `POST /{currency}/pay/query` — a payout's status. */
  payQuery(currency: string, params: { orderId: string; orderNo?: string }): Promise<HaiPayData> {
    return this.call(HAIPAY_ENDPOINTS.payQuery, currency, params);
  }

  /** `POST /{currency}/account/ledger` — balances (`bal`, `availableBal`, `frzBal`, `unSettleBal`). */
  accountLedger(currency: string): Promise<HaiPayData> {
    return this.call(HAIPAY_ENDPOINTS.accountLedger, currency, {});
  }

  /** `POST /subscription/apply` — create a USD card subscription. Never retried. */
  subscriptionApply(params: Record<string, unknown>): Promise<SubscriptionData> {
    return this.call<SubscriptionData>(
      HAIPAY_ENDPOINTS.subscriptionApply,
      this.config.subscriptionMerchant,
      params,
    );
  }

  /** `POST /subscription/query` — a subscription and its deductions. */
  subscriptionQuery(params: { subscriptionNo: string }): Promise<SubscriptionData> {
    return this.call<SubscriptionData>(
      HAIPAY_ENDPOINTS.subscriptionQuery,
      this.config.subscriptionMerchant,
      params,
    );
  }

  /** `POST /subscription/cancel` — cancel a subscription. */
  subscriptionCancel(params: { subscriptionNo: string }): Promise<SubscriptionData> {
    return this.call<SubscriptionData>(
      HAIPAY_ENDPOINTS.subscriptionCancel,
      this.config.subscriptionMerchant,
      params,
    );
  }
}

/**
 * A verified answer's `data` through the endpoint's schema (docs/protocol.md "Schemas on live
 * traffic"): documented fields are checked and normalized (ids and amounts as their exact text, status
 * codes as numbers); fields HaiPay added that the kit does not know are kept as plain values — they were
 * verified with the rest — but nothing in the kit reads them. A shape HaiPay does not document raises
 * {@link HaiPayProtocolError}.
 */
function parseResponseData(id: string, data: LosslessObject): HaiPayData {
  const schema = (ENDPOINTS as Record<string, { response: { safeParse(v: unknown): unknown } } | undefined>)[
    id as EndpointId
  ]?.response;
  if (!schema) return toPlain(data) as HaiPayData;
  const result = schema.safeParse(data) as
    | { success: true; data: Record<string, LosslessValue> }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || '(data)'}: ${i.message}`)
      .join('; ');
    throw new HaiPayProtocolError(`HaiPay's ${id} answer does not have the documented shape (${detail}).`);
  }
  return toPlain(result.data as LosslessObject) as HaiPayData;
}

/** True when `err` means "the order may exist at HaiPay" (settle by query, never re-create). */
export function isOutcomeUnknown(err: unknown): err is HaiPayOutcomeUnknownError {
  return err instanceof HaiPayOutcomeUnknownError;
}
