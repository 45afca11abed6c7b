import { common, timed } from './common.js';

/** English strings of `<haipay-bank-transfer>` (bundled with the element). */
const bankTransfer = {
  ...common,
  ...timed,
  'action.copy': 'Copy',
  'action.copyField': 'Copy {field}',
  'action.copiedField': '{field} copied',
  'countdown.deadline': 'Pay before {time}',
  'bank.title': 'Bank transfer',
  'bank.bank': 'Bank',
  'bank.accountNumber': 'Account number',
  'bank.accountName': 'Account name',
  'bank.amount': 'Amount',
  'bank.reference': 'Reference',
  'bank.instructions': 'Transfer exactly this amount. Payment is confirmed automatically.',
} as const;

export type BankTransferKey = keyof typeof bankTransfer;
export default bankTransfer;
