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
  haipayErrorInfo,
  parseJsonLossless,
  scalarText,
  signSafetyIssues,
  toPlain,
  LosslessNumber,
  type EndpointDefinition,
  type EndpointId,
  type LosslessObject,
  type LosslessValue,
  type PlainValue,
} from '@haipay-kit/protocol';
import {
  HaiPayApiError,
  HaiPayConfigError,
  HaiPayConnectionError,
  HaiPayOutcomeUnknownError,
  HaiPayProtocolError,
  HaiPaySignatureError,
  HaiPayTimeoutError,
  HaiPayValidationError,
} from './errors.js';
import {
  HAIPAY_PRODUCTION_URL,
  HAIPAY_UAT_URL,
  resolveClientOptions,
  type HaiPayClientConfig,
  type HaiPayClientOptions,
  type LoadedMerchant,
  type MerchantCredentials,
} from './client-config.js';
import type { Logger } from './logger.js';
import { telemetryOf, type Telemetry } from './metrics.js';
import type { HttpTransport } from './transport.js';

export {
  HAIPAY_PRODUCTION_URL,
  HAIPAY_UAT_URL,
  type HaiPayClientConfig,
  type HaiPayClientOptions,
  type MerchantCredentials,
};

/**
 * HaiPay's transient errors (`1003 system exception`, `1004 system is busy`): the protocol's error table
 * marks them "order may exist". A query is retried after one; an apply's outcome becomes unknown.
 */
const isTransientCode = (code: string): boolean => haipayErrorInfo(code)?.orderMayExist === true;

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

/** Options of one {@link HaiPayClient.call}. */
export interface CallOptions {
  /**
   * Sign now, send once this settles. The request is signed at once (the CPU-heavy part of a call)
   * while, for example, your store makes the order it names durable, and it goes out only after
   * `sendAfter` resolves; if `sendAfter` rejects, nothing is sent and the call rejects with its reason.
   *
   * @example
   * const durable = store.sync();
   * const answer = client.collectApply('THB', params, { sendAfter: durable });
   */
  sendAfter?: PromiseLike<unknown>;
}

/** A verified notification: which merchant it is for and its fields as plain values. */
export interface VerifiedNotification {
  merchant: string;
  data: HaiPayData;
  /** The fields exactly as parsed (numbers keep their source text). */
  raw: LosslessObject;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
  readonly #merchants: ReadonlyMap<string, LoadedMerchant>;
  readonly #transport: HttpTransport;
  readonly #logger: Logger;
  readonly #telemetry: Telemetry;

  constructor(options: HaiPayClientOptions) {
    const resolved = resolveClientOptions(options);
    this.config = resolved.config;
    this.#merchants = resolved.merchants;
    this.#transport = resolved.transport;
    this.#logger = resolved.logger;
    this.#telemetry = telemetryOf(this, options);
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
    const appId = scalarText(fields.appId) || undefined;
    // Stryker disable next-line ConditionalExpression: no configured appId's text equals undefined, so the loop would find nothing anyway
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
    // A lossless parse gives a bare number as a LosslessNumber object: name what the JSON is instead.
    const kind =
      parsed === null
        ? 'null'
        : Array.isArray(parsed)
          ? 'an array'
          : parsed instanceof LosslessNumber
            ? 'a number'
            : typeof parsed === 'object'
              ? null
              : `a ${typeof parsed}`;
    if (kind) {
      throw new HaiPaySignatureError(
        `Notification body is JSON ${kind}, not the JSON object HaiPay posts; refusing it ` +
          '(pass the raw request body text, as received).',
      );
    }
    const raw = parsed as LosslessObject;
    const merchant = this.merchantForNotification({ appId: raw.appId, currency: raw.currency });
    if (!merchant)
      throw new HaiPaySignatureError('Notification names an appId/currency that is not configured.');
    if (!this.#merchant(merchant).verifier.verify(raw)) {
      throw new HaiPaySignatureError('Notification signature does not verify with the platform public key.');
    }
    return { merchant, data: toPlain(raw) as HaiPayData, raw };
  }

  /**
   * Calls one endpoint of the protocol's registry (`ENDPOINTS`) with `params` (without `appId`/`sign`,
   * which the client adds), verifies the answer and returns its `data`. The low-level form of the
   * per-endpoint methods. An endpoint with a currency in its path uses the merchant's currency.
   * `options.sendAfter` signs the request at once and sends it once that promise resolves.
   */
  async call<T extends HaiPayData = HaiPayData>(
    endpointId: EndpointId,
    merchantKey: string,
    params: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> {
    const endpoint: EndpointDefinition = ENDPOINTS[endpointId];
    const merchant = this.#merchant(merchantKey);
    let path: string;
    try {
      path = endpoint.currencies === null ? endpoint.path() : endpoint.path(merchant.key);
    } catch (err) {
      throw new HaiPayConfigError(
        `${endpointId} is not available for the ${merchant.key} business: ${(err as Error).message}.`,
        { cause: err },
      );
    }
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
    // Signed above, synchronously: a caller's barrier (e.g. the store's fsync) runs meanwhile.
    if (options.sendAfter) await options.sendAfter;
    const url = `${this.config.baseUrl}${path}`;
    const attempts = endpoint.creates ? 1 : this.config.queryRetries + 1;
    const orderId = endpoint.orderIdField ? scalarText(body[endpoint.orderIdField]) : '';
    for (let attempt = 1; ; attempt++) {
      try {
        const once = () => this.#once(url, text, merchant, endpoint.id);
        return (await this.#telemetry.timeGatewayCall(endpoint.id, merchant.key, once)) as T;
      } catch (err) {
        const transient =
          err instanceof HaiPayTimeoutError ||
          err instanceof HaiPayConnectionError ||
          (err instanceof HaiPayApiError && (isTransientCode(err.gatewayCode) || err.httpStatus >= 500));
        this.#logger.warn('haipay call failed', {
          endpoint: endpoint.id,
          attempt,
          error: (err as Error).name,
          code: err instanceof HaiPayApiError ? err.gatewayCode : undefined,
          message: (err as Error).message,
        });
        if (endpoint.creates) {
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

  async #once(url: string, body: string, merchant: LoadedMerchant, id: EndpointId): Promise<HaiPayData> {
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
      const code = scalarText(envelope.error) || String(res.status);
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
  collectApply(
    currency: string,
    params: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<CollectApplyData> {
    return this.call<CollectApplyData>('collectApply', currency, params, options);
  }

  /** `POST /{currency}/collect/query` — a collection order's status. Retried with backoff. */
  collectQuery(
    currency: string,
    params: { orderId: string; orderNo?: string | null },
  ): Promise<CollectQueryData> {
    return this.call<CollectQueryData>('collectQuery', currency, params);
  }

  /** `POST /global/cashier/collect/apply` — a global cashier order (the `CASHIER` appId). */
  cashierApply(params: Record<string, unknown>, options?: CallOptions): Promise<CollectApplyData> {
    return this.call<CollectApplyData>('cashierApply', this.config.cashierMerchant, params, options);
  }

  /** `POST /global/cashier/collect/query` — needs `orderId` and `orderNo`. */
  cashierQuery(params: { orderId: string; orderNo?: string | null }): Promise<CollectQueryData> {
    return this.call<CollectQueryData>('cashierQuery', this.config.cashierMerchant, params);
  }

  /** `POST /usd/refund/apply` — full refund of a card order (`orderId` is a NEW refund id, `orderNo` the original). */
  refundApply(params: { orderId: string; orderNo: string }, options?: CallOptions): Promise<HaiPayData> {
    return this.call('refundApply', 'USD', params, options);
  }

  /** `POST /usd/refund/refundQuery` — a refund's status. */
  refundQuery(params: { orderId?: string; refundNo?: string }): Promise<HaiPayData> {
    return this.call('refundQuery', 'USD', params);
  }

  /** `POST /{currency}/pay/apply` — a payout. Never retried. */
  payApply(currency: string, params: Record<string, unknown>, options?: CallOptions): Promise<HaiPayData> {
    return this.call('payApply', currency, params, options);
  }

  /** `POST /{currency}/pay/query` — a payout's status. */
  payQuery(currency: string, params: { orderId: string; orderNo?: string }): Promise<HaiPayData> {
    return this.call('payQuery', currency, params);
  }

  /** `POST /{currency}/account/ledger` — balances (`bal`, `availableBal`, `frzBal`, `unSettleBal`). */
  accountLedger(currency: string): Promise<HaiPayData> {
    return this.call('accountLedger', currency, {});
  }

  /** `POST /subscription/apply` — create a USD card subscription. Never retried. */
  subscriptionApply(params: Record<string, unknown>, options?: CallOptions): Promise<SubscriptionData> {
    return this.call<SubscriptionData>(
      'subscriptionApply',
      this.config.subscriptionMerchant,
      params,
      options,
    );
  }

  /** `POST /subscription/query` — a subscription and its deductions. */
  subscriptionQuery(params: { subscriptionNo: string }): Promise<SubscriptionData> {
    return this.call<SubscriptionData>('subscriptionQuery', this.config.subscriptionMerchant, params);
  }

  /** `POST /subscription/cancel` — cancel a subscription. */
  subscriptionCancel(params: { subscriptionNo: string }): Promise<SubscriptionData> {
    return this.call<SubscriptionData>('subscriptionCancel', this.config.subscriptionMerchant, params);
  }
}

/**
 * A verified answer's `data` through the endpoint's schema (docs/protocol.md "Schemas on live
 * traffic"): documented fields are checked and normalized (ids and amounts as their exact text, status
 * codes as numbers); fields HaiPay added that the kit does not know are kept as plain values — they were
 * verified with the rest — but nothing in the kit reads them. A shape HaiPay does not document raises
 * {@link HaiPayProtocolError}.
 */
function parseResponseData(id: EndpointId, data: LosslessObject): HaiPayData {
  const result = ENDPOINTS[id].response.safeParse(data) as
    | { success: true; data: Record<string, LosslessValue> }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || '(data)'}: ${i.message}`)
      .join('; ');
    throw new HaiPayProtocolError(`HaiPay's ${id} answer does not have the documented shape (${detail}).`);
  }
  return toPlain(result.data) as HaiPayData;
}
