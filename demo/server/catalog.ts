/**
 * The shop's price list — it lives on the server only. The browser sends product ids and quantities;
 * every amount HaiPay sees comes from here, through `resolveOrder`.
 */

/** The currencies the shop sells in, one per group of payment methods. */
export const SHOP_CURRENCIES = ['USD', 'THB', 'TWD'] as const;
export type ShopCurrency = (typeof SHOP_CURRENCIES)[number];

export interface Product {
  id: string;
  /** Price per unit as a decimal string in each currency (TWD has no minor unit). */
  prices: Record<ShopCurrency, string>;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'doi-chang', prices: { THB: '420.00', USD: '13.00', TWD: '390' } },
  { id: 'pangkhon', prices: { THB: '460.00', USD: '14.00', TWD: '430' } },
  { id: 'night-blend', prices: { THB: '690.00', USD: '21.00', TWD: '640' } },
  { id: 'tasting-set', prices: { THB: '550.00', USD: '16.50', TWD: '510' } },
  { id: 'cold-brew', prices: { THB: '320.00', USD: '9.50', TWD: '290' } },
  { id: 'celadon-dripper', prices: { THB: '890.00', USD: '26.00', TWD: '820' } },
];

export interface Plan {
  id: string;
  amount: string;
  currency: 'USD';
  /** HaiPay subscription period unit (`D`, `W`, `M`, `Y`) and count. */
  periodUnit: 'D' | 'W' | 'M' | 'Y';
  periodCount: number;
  subject: string;
}

export const PLANS: readonly Plan[] = [
  {
    id: 'roasters-choice-monthly',
    amount: '18.00',
    currency: 'USD',
    periodUnit: 'M',
    periodCount: 1,
    subject: "Saeng Coffee — Roaster's Choice, monthly",
  },
];

/** Payment method → the currency it is priced in (docs/contracts.md methods). */
export function currencyForMethod(method: string): ShopCurrency | null {
  if (method === 'card') return 'USD';
  if (method === 'promptpay' || method === 'truemoney' || method === 'bank-transfer') return 'THB';
  if (method === 'twd-atm' || method.startsWith('twd-store-') || method === 'jkopay') return 'TWD';
  return null;
}

const MINOR: Record<ShopCurrency, number> = { USD: 2, THB: 2, TWD: 0 };

/** Multiplies and sums decimal strings in integer minor units, so no float ever touches money. */
export function priceLines(
  items: readonly { id: string; qty: number }[],
  currency: ShopCurrency,
): { lines: { id: string; qty: number; unit: string; total: string }[]; total: string } {
  const digits = MINOR[currency];
  const toMinor = (s: string): bigint => {
    const [whole = '0', frac = ''] = s.split('.');
    return (
      BigInt(whole) * 10n ** BigInt(digits) + BigInt((frac + '0'.repeat(digits)).slice(0, digits) || '0')
    );
  };
  const fromMinor = (n: bigint): string => {
    if (digits === 0) return n.toString();
    const s = n.toString().padStart(digits + 1, '0');
    return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  };
  let sum = 0n;
  const lines = items.map(({ id, qty }) => {
    const product = PRODUCTS.find((p) => p.id === id);
    if (!product) throw new Error(`unknown product ${id}`);
    const unit = toMinor(product.prices[currency]);
    const total = unit * BigInt(qty);
    sum += total;
    return { id, qty, unit: fromMinor(unit), total: fromMinor(total) };
  });
  return { lines, total: fromMinor(sum) };
}
