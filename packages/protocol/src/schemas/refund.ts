/**
 * Card refund schemas: `POST /usd/refund/apply` and `POST /usd/refund/refundQuery` (reference §3.2).
 * Full refunds only — HaiPay's request has no amount. Refund status is a string (`REFUND_STATUS`).
 *
 * HaiPay documents refunds for USD card payments only ("Only supports USD orders, Credit Cards", seed
 * 001; no refund endpoint for local methods, reference §3.2), so the kit models no other refund
 * currency: `/thb/refund/apply` and the like are answered `4012` (docs/protocol.md "Refund and payout
 * currencies").
 */
import { z } from 'zod';
import { validateOrderId } from '../rules/fields.js';
import { appIdSchema, anyText, nonEmpty, optText, ruled, idText } from './common.js';

/** The path currencies with a refund product: USD (card) only. */
export const REFUND_CURRENCIES = ['USD'] as const;

/**
 * Refund-apply request: `orderId` is a NEW merchant refund order id (never the collection's), `orderNo`
 * the original collection's platform order number.
 */
export const refundApplyRequestSchema = z.object({
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  orderNo: nonEmpty,
  sign: z.string().optional(),
});
/** A refund-apply request body. */
export type RefundApplyRequest = z.input<typeof refundApplyRequestSchema>;

/**
 * Refund-query request: `refundNo` (takes priority) or the refund `orderId` — at least one is needed
 * (`validateRequest` reports `required` on `refundNo` when both are missing).
 */
export const refundQueryRequestSchema = z
  .object({
    appId: appIdSchema,
    orderId: ruled(validateOrderId).optional(),
    refundNo: nonEmpty.optional(),
    sign: z.string().optional(),
  })
  .refine((b) => b.orderId !== undefined || b.refundNo !== undefined, {
    message: 'refundNo or orderId is required',
    path: ['refundNo'],
  });
/** A refund-query request body. */
export type RefundQueryRequest = z.input<typeof refundQueryRequestSchema>;

/** `data` of a refund apply or query response; `status` is read as text (`"0"`, `"1"`, `"2"`). */
export const refundResponseSchema = z.looseObject({
  appId: optText,
  orderId: idText,
  orderNo: optText,
  refundNo: optText,
  status: anyText,
  errorMsg: optText,
  sign: z.string().optional(),
});
/** Parsed `data` of a refund response. */
export type RefundResponse = z.output<typeof refundResponseSchema>;
