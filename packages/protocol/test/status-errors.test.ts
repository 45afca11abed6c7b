import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  COLLECT_STATUS,
  COLLECT_STATUS_TABLE,
  COLLECT_NOTIFY_STATUSES,
  PAYOUT_STATUS_TABLE,
  REFUND_STATUS,
  REFUND_STATUS_TABLE,
  SUBSCRIPTION_STATUS_TABLE,
  DEDUCTION_STATUS_TABLE,
  FINAL_PAYMENT_STATUSES,
  isFinalCollectStatus,
  isFinalPayoutStatus,
  isFinalRefundStatus,
  isFinalSubscriptionStatus,
  isFinalDeductionStatus,
  isFinalPaymentStatus,
  paymentStatusFromCollectCode,
  GATEWAY_ERROR,
  GATEWAY_ERRORS,
  SIGNATURE_ERROR_CODE,
  haipayErrorMessage,
  orderMayExist,
  isGatewayErrorCode,
  LosslessNumber,
} from '@haipay-kit/protocol';

describe('status tables', () => {
  test('collection: 2/3/4/5 final, 0/1/-1 not; notifications only for final ones', () => {
    assert.deepEqual(
      COLLECT_STATUS_TABLE.map((r) => r.code),
      [0, 1, 2, 3, 4, 5, -1],
    );
    assert.deepEqual(
      COLLECT_STATUS_TABLE.filter((r) => r.final).map((r) => r.code),
      [...COLLECT_NOTIFY_STATUSES],
    );
    assert.equal(isFinalCollectStatus(COLLECT_STATUS.SUCCESS), true);
    assert.equal(isFinalCollectStatus('3'), true);
    assert.equal(isFinalCollectStatus(1), false);
    assert.equal(isFinalCollectStatus(-1), false);
    assert.equal(isFinalCollectStatus(9), false);
  });
  test('every table row key matches its code in the as-const object', () => {
    for (const row of COLLECT_STATUS_TABLE) {
      assert.equal(COLLECT_STATUS[row.key as keyof typeof COLLECT_STATUS], row.code);
    }
    for (const row of REFUND_STATUS_TABLE) {
      assert.equal(REFUND_STATUS[row.key as keyof typeof REFUND_STATUS], row.code);
    }
  });
  test('payout: 2/3 final', () => {
    assert.deepEqual(
      PAYOUT_STATUS_TABLE.map((r) => r.code),
      [0, 1, 2, 3, -1],
    );
    assert.equal(isFinalPayoutStatus(2), true);
    assert.equal(isFinalPayoutStatus(-1), false);
  });
  test('refund codes are strings: "0" processing, "1" success, "2" failed', () => {
    assert.equal(isFinalRefundStatus('0'), false);
    assert.equal(isFinalRefundStatus('1'), true);
    assert.equal(isFinalRefundStatus('2'), true);
    assert.equal(REFUND_STATUS_TABLE.find((r) => r.code === '1')?.key, 'SUCCESS');
  });
  test('subscription: "3" failed and "4" cancelled are terminal, "2" active is not', () => {
    assert.deepEqual(
      SUBSCRIPTION_STATUS_TABLE.map((r) => r.code),
      ['-1', '1', '2', '3', '4'],
    );
    assert.equal(isFinalSubscriptionStatus('4'), true);
    assert.equal(isFinalSubscriptionStatus('3'), true);
    assert.equal(isFinalSubscriptionStatus('2'), false);
  });
  test('deduction: 2/3 final', () => {
    assert.equal(DEDUCTION_STATUS_TABLE.length, 4);
    assert.equal(isFinalDeductionStatus(3), true);
    assert.equal(isFinalDeductionStatus(1), false);
  });
});

describe('paymentStatusFromCollectCode', () => {
  test('maps every documented code', () => {
    assert.equal(paymentStatusFromCollectCode(0), 'pending');
    assert.equal(paymentStatusFromCollectCode(1), 'processing');
    assert.equal(paymentStatusFromCollectCode(-1), 'processing');
    assert.equal(paymentStatusFromCollectCode(2), 'succeeded');
    assert.equal(paymentStatusFromCollectCode(3), 'failed');
    assert.equal(paymentStatusFromCollectCode(4), 'failed');
    assert.equal(paymentStatusFromCollectCode(5), 'succeeded');
  });
  test('accepts numeric strings and maps undocumented codes to unknown', () => {
    assert.equal(paymentStatusFromCollectCode('2'), 'succeeded');
    assert.equal(paymentStatusFromCollectCode(7), 'unknown');
    assert.equal(paymentStatusFromCollectCode(null), 'unknown');
    assert.equal(paymentStatusFromCollectCode(''), 'unknown');
  });
  test('a lossless number is its code; an array or object holding one is not', () => {
    assert.equal(paymentStatusFromCollectCode(new LosslessNumber('2')), 'succeeded');
    assert.equal(paymentStatusFromCollectCode([2]), 'unknown');
    assert.equal(paymentStatusFromCollectCode({ toString: () => '2' }), 'unknown');
  });
  test('kit final statuses', () => {
    assert.deepEqual([...FINAL_PAYMENT_STATUSES].sort(), ['expired', 'failed', 'review', 'succeeded']);
    assert.equal(isFinalPaymentStatus('processing'), false);
    assert.equal(isFinalPaymentStatus('expired'), true);
  });
});

describe('error table', () => {
  test("keeps HaiPay's verbatim messages, spellings included", () => {
    assert.equal(haipayErrorMessage('1001'), 'param is null');
    assert.equal(haipayErrorMessage(GATEWAY_ERROR.ILLEGAL_PARAM), 'Illegal Param');
    assert.equal(haipayErrorMessage('4005'), 'order already exit');
    assert.equal(haipayErrorMessage('4011'), 'appId do not exit');
    assert.equal(haipayErrorMessage('4013'), 'order not exit');
    assert.equal(haipayErrorMessage('4031'), 'ip adress is Forbidden');
    assert.equal(haipayErrorMessage('4012'), 'you do not have an available product, please connect admin');
    assert.equal(
      haipayErrorMessage('5012'),
      'pay in channel not functional, please connect customer service',
    );
    assert.equal(haipayErrorMessage('9999'), undefined);
  });
  test('every GATEWAY_ERROR name has a table row, and codes are unique', () => {
    for (const c of Object.values(GATEWAY_ERROR)) assert.ok(isGatewayErrorCode(c), c);
    assert.equal(new Set(GATEWAY_ERRORS.map((e) => e.code)).size, GATEWAY_ERRORS.length);
    assert.equal(GATEWAY_ERRORS.length, Object.keys(GATEWAY_ERROR).length);
  });
  test('only 1003/1004 (and undocumented codes) mean the order may exist', () => {
    assert.deepEqual(
      GATEWAY_ERRORS.filter((e) => e.orderMayExist).map((e) => e.code),
      ['1003', '1004'],
    );
    assert.equal(orderMayExist('1003'), true);
    assert.equal(orderMayExist('1004'), true);
    assert.equal(orderMayExist('4005'), false);
    assert.equal(orderMayExist('1002'), false);
    assert.equal(orderMayExist('7777'), true);
  });
  test('a bad signature is reported as 1002 Illegal Param', () => {
    assert.equal(SIGNATURE_ERROR_CODE, '1002');
    assert.equal(haipayErrorMessage(SIGNATURE_ERROR_CODE), 'Illegal Param');
  });
});
