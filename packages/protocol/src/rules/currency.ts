/**
 * The currencies the kit supports. HaiPay serves many more (docs/protocol.md §3.6), but the kit's
 * elements, companion and sandbox are built for Thailand, Taiwan, international card (USD) and Vietnam.
 */

/** Supported currencies, in a stable order (ISO 4217 codes, upper case as in HaiPay bodies). */
export const CURRENCIES = ['THB', 'TWD', 'USD', 'VND'] as const;

/** A currency the kit supports. The URL path uses its lower-case form (`/thb/collect/apply`). */
export type Currency = (typeof CURRENCIES)[number];

/** True when `value` is one of {@link CURRENCIES} (case-sensitive: HaiPay bodies use upper case). */
export function isCurrency(value: unknown): value is Currency {
  return (CURRENCIES as readonly unknown[]).includes(value);
}
