/**
 * The ledger: each appId's balances per currency (README "Fees and the ledger") and the only code that
 * moves them. A collection or deduction credits (`unSettleBal` first when settlement is delayed), a
 * payout or refund freezes its money when applied and settles or releases it when final. Every room
 * moves money through these few verbs, so `bal = availableBal + frzBal + unSettleBal` holds by
 * construction.
 */
import type { MerchantConfig } from './config.js';
import { formatAmount, parseAmount } from './money.js';
import type { Ledger } from './records.js';
import type { SandboxState } from './state.js';

/** The balances of every appId, per currency, in hundredths. */
export class Ledgers {
  readonly #ledgers = new Map<string, Ledger>();

  /** Opens each merchant's ledger with its configured `openingBalance` (none for `CASHIER`). */
  constructor(
    readonly state: SandboxState,
    merchants: readonly MerchantConfig[],
  ) {
    for (const m of merchants) {
      const opening = parseAmount(m.openingBalance ?? '0');
      if (opening && m.currency !== 'CASHIER') this.of(m.appId, m.currency).available = opening;
    }
  }

  /** The ledger of an appId in a currency (created empty). */
  of(appId: number, currency: string): Ledger {
    const key = `${appId}:${currency}`;
    let l = this.#ledgers.get(key);
    if (!l) {
      l = { available: 0, frozen: 0, unsettled: 0 };
      this.#ledgers.set(key, l);
    }
    return l;
  }

  /** Credits collected money (net of fees): available at once, or after `settlementDelayMs`. */
  credit(appId: number, currency: string, net: number, ref: string): void {
    const l = this.of(appId, currency);
    const delay = this.state.options.settlementDelayMs;
    if (delay <= 0) {
      l.available += net;
      return;
    }
    l.unsettled += net;
    this.state.schedule(`settle:${ref}`, this.state.clock.now() + delay, `settle ${ref}`, () => {
      l.unsettled -= net;
      l.available += net;
    });
  }

  /** Moves `amount` from available to frozen; false (nothing moved) when available does not cover it. */
  freeze(appId: number, currency: string, amount: number): boolean {
    const l = this.of(appId, currency);
    if (l.available < amount) return false;
    l.available -= amount;
    l.frozen += amount;
    return true;
  }

  /** Ends a freeze: on success the frozen money leaves the ledger, on failure it is available again. */
  settleFrozen(appId: number, currency: string, amount: number, outcome: 'success' | 'failure'): void {
    const l = this.of(appId, currency);
    l.frozen -= amount;
    if (outcome === 'failure') l.available += amount;
  }

  /** The balances as `account/ledger` answers them: `bal` = available + frozen + unsettled. */
  balances(
    appId: number,
    currency: string,
  ): { bal: string; availableBal: string; frzBal: string; unSettleBal: string } {
    const l = this.of(appId, currency);
    return {
      bal: formatAmount(l.available + l.frozen + l.unsettled, currency),
      availableBal: formatAmount(l.available, currency),
      frzBal: formatAmount(l.frozen, currency),
      unSettleBal: formatAmount(l.unsettled, currency),
    };
  }
}
