/**
 * Balances (reference §3.4, `POST /{currency}/account/ledger`): the four figures HaiPay keeps per
 * merchant account, as HaiPay's own decimal text — never parsed into a float, so `"0.10"` stays
 * `"0.10"` and a large balance keeps every digit.
 */
import { isDecimalString } from '@haipay-kit/protocol';
import type { HaiPayClient } from '../client.js';
import { HaiPayProtocolError } from '../errors.js';
import { str } from './text.js';

/** One account's balances, as HaiPay reports them (decimal strings in the currency's format). */
export interface Balance {
  /** The configured merchant (appId) asked, e.g. `THB`. */
  currency: string;
  /** Total balance (HaiPay `bal`): available + frozen. */
  total: string;
  /** What can be paid out or refunded now (`availableBal`). */
  available: string;
  /** Held by payouts and refunds in progress (`frzBal`). */
  frozen: string;
  /** Collected but not settled into the balance yet (`unSettleBal`). */
  unsettled: string;
}

/** Reads one merchant account's balances. Throws `HaiPayConfigError` for a currency not configured. */
export async function readBalance(client: HaiPayClient, currency: string): Promise<Balance> {
  const key = String(currency ?? '').toUpperCase();
  const data = await client.accountLedger(key);
  const figure = (field: string): string => {
    const text = str(data[field]);
    // The response schema already requires decimal text; a number here would have lost digits.
    if (!isDecimalString(text) || typeof data[field] !== 'string')
      throw new HaiPayProtocolError(`HaiPay's ledger answer has no decimal ${field}.`);
    return text;
  };
  return {
    currency: key,
    total: figure('bal'),
    available: figure('availableBal'),
    frozen: figure('frzBal'),
    unsettled: figure('unSettleBal'),
  };
}
