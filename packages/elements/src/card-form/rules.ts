/**
 * The shared rules the card form runs (`@haipay-kit/protocol/rules`, the same ones the companion runs),
 * in a chunk of their own: the form loads it when the shopper first reaches a field (or submits), so a
 * page that shows the form without its being used never downloads them (README "Sizes"). The expiry
 * field's formatting comes with them. In hosted card mode (no card inputs) the chunk is never loaded.
 */
import {
  detectCardBrand,
  formatCardNumber,
  isFollowableUrl,
  validateCardNumber,
  validateCvv,
  validateEmail,
  validateExpiry,
  validateName,
  validatePhone,
} from '@haipay-kit/protocol/rules';
import { expiryParts, formatExpiry } from './expiry.js';

/** The rules, as one object: the form keeps it once loaded. */
export const rules = {
  expiryParts,
  formatExpiry,
  detectCardBrand,
  formatCardNumber,
  isFollowableUrl,
  validateCardNumber,
  validateCvv,
  validateEmail,
  validateExpiry,
  validateName,
  validatePhone,
};
