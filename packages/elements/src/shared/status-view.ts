import { html, nothing } from 'lit';
import type { LocalizeController } from '../controllers/localize-controller.js';
import { isFinal, type PaymentStatus } from '../types.js';

/**
 * The visible status line (not live: the live region announces milestones only). A final status is the
 * heading of the result, `#result`, which takes focus when it appears (`HaiPayPaymentElement`).
 */
export function statusLine(
  t: LocalizeController,
  status: PaymentStatus | null,
  error: string,
  cls = 'status',
) {
  if (error) return html`<p part="status" class="status error">${error}</p>`;
  if (!status) return nothing;
  const text = t.term(`status.${status}`);
  return isFinal(status)
    ? html`<h2 part="status" id="result" tabindex="-1" class=${cls} data-status=${status}>${text}</h2>`
    : html`<p part="status" class=${cls} data-status=${status}>${text}</p>`;
}

/**
 * What screen readers should hear now: a final status, else the latest countdown milestone
 * (5 minutes left, 1 minute left) — never every second.
 */
export function liveMessage(
  t: LocalizeController,
  status: PaymentStatus | null,
  milestone: number | null,
): string {
  if (isFinal(status)) return t.term(`status.${status}`);
  if (milestone === 60_000) return t.term('countdown.oneMinuteLeft');
  if (milestone) return t.term('countdown.minutesLeft', { minutes: milestone / 60_000 });
  return '';
}
