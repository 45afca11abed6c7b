/**
 * HaiPay's notifications as a sandbox's platform would sign them: the "paid" notification of an order
 * the harness created (the suites' usual 100.00 THB PromptPay order), and any other payload.
 */
import type { Sandbox } from '@haipay-kit/sandbox';
import { generateTestNotification } from '@haipay-kit/express/testing';

/** An order as the router's create routes answer it. */
export interface CreatedOrder {
  orderId: string;
  orderNo: string;
}

/**
 * The fields of HaiPay's success notification (`status` 2, paid) for a 100.00 THB order of the
 * sandbox's THB merchant, fee 1.50, paid by QR; `extra` adds or replaces fields (a wrong amount, another
 * status, a hostile remark). Unsigned: {@link signedNotification} signs them.
 */
export function paidFields(
  sandbox: Sandbox,
  order: CreatedOrder,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    appId: sandbox.merchant('THB').appId,
    currency: 'THB',
    orderId: order.orderId,
    orderNo: order.orderNo,
    amount: '100.00',
    fee: '1.50',
    status: 2,
    payTime: '2026-01-01 12:00:05',
    inBankCode: 'QR',
    ...extra,
  };
}

/**
 * A notification body (JSON text) for `payload`, signed with the sandbox's platform key and the secret
 * key of its merchant for `currency` — what HaiPay would send, and what the router must accept.
 */
export function signedNotification(
  sandbox: Sandbox,
  payload: Record<string, unknown>,
  currency: 'THB' | 'USD' = 'THB',
): string {
  return generateTestNotification({
    payload,
    platformPrivateKey: sandbox.config.platform.privateKey,
    secretKey: sandbox.merchant(currency).secretKey,
  });
}

/** The signed success notification of `order`: {@link paidFields} (with `extra`), signed. */
export function paidNotification(
  sandbox: Sandbox,
  order: CreatedOrder,
  extra: Record<string, unknown> = {},
): string {
  return signedNotification(sandbox, paidFields(sandbox, order, extra));
}
