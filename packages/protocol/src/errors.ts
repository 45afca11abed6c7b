/**
 * HaiPay's envelope error codes (reference §8.1) with their verbatim English `msg`.
 *
 * The sandbox must answer with exactly HaiPay's text (misspellings included: "exit", "adress"), and the
 * companion must know which failures leave an order possibly recorded (`1003`/`1004`) so it queries
 * instead of failing or re-submitting. Decisions (bad signature → `1002`): docs/protocol.md ("Error codes").
 */

/** Named HaiPay error codes (strings, as in the envelope's `error`). */
export const GATEWAY_ERROR = {
  SUCCESS: '00000000',
  PARAM_NULL: '1001',
  ILLEGAL_PARAM: '1002',
  SYSTEM_EXCEPTION: '1003',
  SYSTEM_BUSY: '1004',
  CHANNEL_CODE_NOT_EXIST: '4002',
  ORDER_ALREADY_EXISTS: '4005',
  APP_ID_NOT_EXIST: '4011',
  NO_AVAILABLE_PRODUCT: '4012',
  ORDER_NOT_EXIST: '4013',
  ORDER_ALREADY_FINAL: '4014',
  NO_COLLECT_BANK: '4015',
  INSUFFICIENT_BALANCE: '4016',
  IP_FORBIDDEN: '4031',
  CHANNEL_NOT_FUNCTIONAL: '5012',
} as const;

/** A documented HaiPay envelope error code. */
export type GatewayErrorCode = (typeof GATEWAY_ERROR)[keyof typeof GATEWAY_ERROR];

/**
 * The code the kit uses for a bad or missing-key signature. ASSUMPTION: HaiPay documents no dedicated
 * code; `1002 Illegal Param` is the closest documented one (docs/protocol.md "Error codes").
 */
export const SIGNATURE_ERROR_CODE: GatewayErrorCode = GATEWAY_ERROR.ILLEGAL_PARAM;

/** One row of the error table. */
export interface GatewayErrorInfo {
  /** The envelope `error` value. */
  readonly code: GatewayErrorCode;
  /** HaiPay's English `msg`, verbatim (their spelling). */
  readonly msg: string;
  /** What it means for the kit. */
  readonly meaning: string;
  /** True when the order may have been recorded anyway: resolve by query or notification, never re-submit. */
  readonly orderMayExist: boolean;
}

/** HaiPay's envelope error codes, reference §8.1. */
export const GATEWAY_ERRORS: readonly GatewayErrorInfo[] = [
  { code: '00000000', msg: '', meaning: 'Success (envelope status "1").', orderMayExist: false },
  { code: '1001', msg: 'param is null', meaning: 'A required parameter is missing.', orderMayExist: false },
  {
    code: '1002',
    msg: 'Illegal Param',
    meaning: 'A parameter is invalid (format, range, method); the kit also uses it for a bad signature.',
    orderMayExist: false,
  },
  {
    code: '1003',
    msg: 'system exception',
    meaning: 'System exception; the order may already be recorded — wait for the notification or query.',
    orderMayExist: true,
  },
  {
    code: '1004',
    msg: 'system is busy',
    meaning: 'System busy; the order may already be recorded — wait for the notification or query.',
    orderMayExist: true,
  },
  {
    code: '4002',
    msg: 'system:channel code does not exist',
    meaning: 'Channel configuration error (seen in HaiPay FAQ, not in the table).',
    orderMayExist: false,
  },
  {
    code: '4005',
    msg: 'order already exit',
    meaning: 'Duplicate orderId for this appId.',
    orderMayExist: false,
  },
  { code: '4011', msg: 'appId do not exit', meaning: 'Unknown appId.', orderMayExist: false },
  {
    code: '4012',
    msg: 'you do not have an available product, please connect admin',
    meaning: 'The payment method is not enabled for this merchant.',
    orderMayExist: false,
  },
  { code: '4013', msg: 'order not exit', meaning: 'Order not found.', orderMayExist: false },
  {
    code: '4014',
    msg: 'order is already end status',
    meaning: 'The order is already final.',
    orderMayExist: false,
  },
  {
    code: '4015',
    msg: 'this merchant do not have a collect bank',
    meaning: 'No collection account available.',
    orderMayExist: false,
  },
  {
    code: '4016',
    msg: 'your account do not have enough money',
    meaning: 'Insufficient balance for the payout.',
    orderMayExist: false,
  },
  {
    code: '4031',
    msg: 'ip adress is Forbidden',
    meaning: 'The caller IP is not allow-listed.',
    orderMayExist: false,
  },
  {
    code: '5012',
    msg: 'pay in channel not functional, please connect customer service',
    meaning: 'The upstream payment channel is down.',
    orderMayExist: false,
  },
];

/** The table row for `code`, or `undefined` when HaiPay documents no such code. */
export function haipayErrorInfo(code: string): GatewayErrorInfo | undefined {
  return GATEWAY_ERRORS.find((e) => e.code === code);
}

/** HaiPay's verbatim English `msg` for `code`, or `undefined` for an undocumented code. */
export function haipayErrorMessage(code: string): string | undefined {
  return haipayErrorInfo(code)?.msg;
}

/** True when `code` is a documented HaiPay error code. */
export function isGatewayErrorCode(code: unknown): code is GatewayErrorCode {
  return typeof code === 'string' && haipayErrorInfo(code) !== undefined;
}

/**
 * True when, after this error, the order may nevertheless exist at HaiPay: `1003`/`1004`, and — to be
 * safe with money — any undocumented code. False for every other documented code. The caller resolves
 * such an order by `/collect/query` or the notification, never by re-submitting with a new orderId.
 */
export function orderMayExist(code: string): boolean {
  const info = haipayErrorInfo(code);
  return info === undefined ? true : info.orderMayExist;
}
