/** English: the status strings every element shows. */
export const common = {
  'error.generic': 'Something went wrong. Please try again.',
  'error.network': 'We could not reach the payment service. Check your connection and try again.',
  'status.pending': 'Waiting for payment',
  'status.processing': 'Processing payment…',
  'status.succeeded': 'Payment received. Thank you!',
  'status.failed': 'Payment failed.',
  'status.expired': 'This payment has expired.',
  'status.review': 'Paid after this order closed. The shop will contact you.',
  'status.unknown': 'Checking the payment status…',
} as const;

/** English: the countdown and copy strings of `<haipay-qr>` and `<haipay-bank-transfer>`. */
export const timed = {
  'action.copyFailed': 'Could not copy. Select the text and copy it instead.',
  'countdown.label': 'Time left',
  'countdown.minutesLeft': '{minutes} minutes left',
  'countdown.oneMinuteLeft': '1 minute left',
} as const;

export type CommonKey = keyof typeof common;
export type TimedKey = keyof typeof timed;
