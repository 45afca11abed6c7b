/**
 * Brings a `<haipay-card-form>` on the design-review page to a submit state the way a shopper would:
 * types into its inputs and presses Pay, reaching them through the parts the element documents
 * (`input-<field>`, `submit-button`). What happens next is the fake companion's answer.
 */
import type { DesignAction } from './scenarios.js';

const VALID = {
  name: 'Somchai Jaidee',
  email: 'somchai@example.com',
  cardNumber: '4000 0566 5566 5556',
  expiry: '12 / 30',
  expiryMonth: '12',
  expiryYear: '30',
  cvv: '123',
};

// Every rule broken once: one name, an address without a domain, a failing Luhn check, month 13, a past year.
// (The expiry is one field or two, depending on the card form's version: whichever inputs exist are typed in.)
const INVALID = {
  name: 'Somchai',
  email: 'somchai@',
  cardNumber: '4242 4242 4242 4241',
  expiry: '13 / 19',
  expiryMonth: '13',
  expiryYear: '19',
  cvv: '1',
};

export async function driveCardForm(el: HTMLElement, action: DesignAction): Promise<void> {
  const root = el.shadowRoot;
  if (!root) return;
  const values = action === 'submit-valid' ? VALID : INVALID;
  for (const [field, value] of Object.entries(values)) {
    const input = root.querySelector<HTMLInputElement>(`[part~="input-${field}"]`);
    if (!input) continue;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
  root.querySelector<HTMLButtonElement>('[part~="submit-button"]')?.click();
  await (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
}
