/**
 * The order number the shop tells its shopper, HaiPay's subject names and the back office heads an
 * order with: six characters of the cart's `orderRef` (`cart_upwbjy…` → `UPWBJY`). One definition for
 * the server (receipt, subject) and the back office, so the two always agree.
 */
export function shopOrderNumber(orderRef: string): string {
  return orderRef.slice(5, 11).toUpperCase();
}
