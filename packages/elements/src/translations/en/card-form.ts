import { common } from './common.js';

/** English strings of `<haipay-card-form>` (bundled with the element). */
const cardForm = {
  ...common,
  'field.name': 'Name on card',
  'field.email': 'Email',
  'field.phone': 'Phone (optional)',
  'field.cardNumber': 'Card number',
  'field.expiry': 'Expiry date',
  'field.cvv': 'Security code (CVV)',
  'brand.visa': 'Visa',
  'brand.mastercard': 'Mastercard',
  'amount.paid': 'Amount paid: {amount}',
  'action.pay': 'Pay',
  'action.payAmount': 'Pay {amount}',
  'action.subscribe': 'Subscribe',
  'action.processing': 'Processing…',
  'error.required': 'This field is required.',
  'error.too_long': 'This is too long (at most {max} characters).',
  'error.too_short': 'This is too short.',
  'error.not_allowed': 'This option is not available.',
  'error.invalid_format': 'This does not look right.',
  'error.invalid_email': 'Enter a valid email address.',
  'error.invalid_phone': 'Enter a valid phone number.',
  'error.invalid_name': 'Enter your first and last name as on the card (letters only).',
  'error.card_number_invalid': 'Check the card number.',
  'error.card_brand_unsupported': 'This card type is not accepted. Use Visa or Mastercard.',
  'error.expiry_invalid': 'Enter a valid expiry date.',
  'error.card_expired': 'This card has expired.',
  'error.cvv_invalid': 'Enter the 3-digit security code.',
  'card.declined': 'Your card was not charged. Try another card.',
  'card.hosted': "You will enter your card on HaiPay's secure payment page.",
  'error.conflict': 'This payment was already submitted with different details. Reload and try again.',
  'error.fixFields': 'Please correct the highlighted fields.',
  'status.redirecting': 'Redirecting to your bank to confirm the payment…',
} as const;

export type CardFormKey = keyof typeof cardForm;
export default cardForm;
