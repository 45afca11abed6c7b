import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { newKey } from '../api.js';
import { emit } from '../events.js';
import { CountdownController } from '../controllers/countdown-controller.js';
import {
  LocalizeController,
  type ElementStrings,
  type Translation,
} from '../controllers/localize-controller.js';
import { PaymentStatusController } from '../controllers/payment-status-controller.js';
import type { StartPort } from './start-payment.js';
import { isFinal, type FinalStatus, type PaymentStatus, type PaymentView, type Theme } from '../types.js';

/**
 * Shared attributes and wiring of the elements that show one payment's live status (`<haipay-qr>`,
 * `<haipay-bank-transfer>`, and the return page of `<haipay-card-form>`). Behaviour lives in the three
 * controllers; this class only holds them and turns their output into `haipay-*` events, once.
 */
export abstract class HaiPayPaymentElement extends LitElement {
  static override properties: PropertyDeclarations = {
    endpoint: {},
    orderId: { attribute: 'order-id' },
    orderRef: { attribute: 'order-ref' },
    locale: { reflect: true },
    theme: { reflect: true },
    strings: { attribute: false },
    pollInterval: { attribute: false },
    view: { state: true },
    localStatus: { state: true },
    loadError: { state: true },
  };

  /**
   * The element's own strings: English bundled, other locales loaded on demand.
   * @internal
   */
  declare static translations: ElementStrings;

  /** Base URL of the companion router, e.g. `/haipay`. */
  endpoint = '';
  /** The companion's order id: the element reads the payment and follows its status. */
  orderId = '';
  /**
   * The merchant's order (or cart) reference, sent as `orderRef`; the companion prices it. On
   * `<haipay-qr>` and `<haipay-bank-transfer>` without `order-id`, it starts the payment: the element
   * posts `{ method, orderRef }` itself (the companion's `resolveOrder` supplies the buyer's details),
   * then shows and follows it.
   */
  orderRef = '';
  /** BCP 47 locale: `en`, `th`, `zh-TW` (others fall back to English). Defaults to the page's `lang`. */
  locale: string | undefined;
  /** `light`, `dark`, or `auto` (follows `prefers-color-scheme`). */
  theme: Theme = 'auto';
  /** Per-key overrides of the built-in strings. */
  strings: Partial<Translation> | undefined;
  /** First polling interval (ms) when the status stream is unavailable; backs off to 30 s. */
  pollInterval = 2000;
  /**
   * The client clock, replaced by tests; the countdown always corrects it by the server's `Date`.
   * @internal
   */
  clock: () => number = Date.now;

  /** The latest payment view from the companion (`null` before the first answer). */
  protected view: PaymentView | null = null;
  protected localStatus: PaymentStatus | null = null;
  /** The error line shown (localized): the companion could not be reached, or the card form's submit failed. */
  protected loadError = '';

  protected readonly localize = new LocalizeController(
    this,
    (this.constructor as typeof HaiPayPaymentElement).translations,
  );
  protected readonly countdown = new CountdownController(this, {
    now: () => this.clock(),
    onExpire: () => void this.expiredLocally(),
  });
  protected readonly status = new PaymentStatusController(this, {
    now: () => this.clock(),
    pollMs: () => this.pollInterval,
    onView: (view, skewMs) => this.viewChanged(view, skewMs),
    onError: () => this.offline(),
  });
  private announcedFinal = '';

  /** Status as shown: the companion's, or `expired` when the countdown ran out first. */
  protected get currentStatus(): PaymentStatus | null {
    if (this.view && isFinal(this.view.status)) return this.view.status;
    return this.localStatus ?? this.view?.status ?? null;
  }

  /**
   * Holds an update until the locale's strings are here (only the first time a non-English locale is
   * used; English is bundled), so the element never renders in the wrong language and `updateComplete`
   * resolves once it shows the right one.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = this.localize.load();
    return loading ? loading.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  /**
   * What the element shows, for focus: a final status, or (subclasses) the QR or bank details being
   * shown; `''` while loading or on a form.
   * @internal
   */
  protected get stage(): string {
    const s = this.currentStatus;
    return isFinal(s) ? s : '';
  }
  private lastStage: string | undefined;

  protected override updated(changed: PropertyValues<this>): void {
    // When a QR, bank details or a result appears, its heading (`#result` for a result, else `#title`)
    // takes focus and is scrolled to the top of the screen, so a keyboard or screen-reader user lands on
    // it and a phone shows it (a QR with its countdown and status). Not on the first render: the page
    // decides where focus starts.
    const stage = this.stage;
    if (stage != this.lastStage) {
      if (stage && this.lastStage != null) {
        const heading = this.renderRoot.querySelector<HTMLElement>(
          isFinal(this.currentStatus) ? '#result' : '#title',
        );
        heading?.focus();
        heading?.scrollIntoView(); // to the top: `block: 'start'` is the default
      }
      this.lastStage = stage;
    }
    if ((changed.has('orderId') || changed.has('endpoint')) && this.orderId && this.endpoint) {
      void this.status.follow(this.endpoint, this.orderId);
    } else if (!this.orderId && this.endpoint && this.orderRef !== this.startedFor && this.startMethod) {
      // Loaded on first use: pages that hand the element an `order-id` never download it.
      this.startedFor = this.orderRef;
      const port: StartPort = {
        endpoint: this.endpoint,
        body: { method: this.startMethod, orderRef: this.orderRef },
        key: newKey,
        owner: this,
        show: (view) => void (this.orderId = view.orderId),
        fail: this.fail,
        emit: (name, detail) => emit(this, name, detail),
      };
      import('./start-payment.js').then((m) => {
        this.loadError = '';
        void m.startPayment(port);
      }, this.offline);
    }
  }

  /**
   * Shows the network or generic error message for `type` and fires `haipay-error`.
   * @internal
   */
  protected readonly fail = (type: string, message: string, code?: string): void => {
    this.loadError = this.localize.term(type == 'network_error' ? 'error.network' : 'error.generic');
    this.emitError(type, message, code);
  };

  /**
   * The companion (or the element's own code chunk) could not be reached: say so, once per failure.
   * @internal
   */
  protected readonly offline = (): void => this.fail('network_error', 'Could not reach the payment service');

  /**
   * The method this element starts from `order-ref` (`promptpay`, `bank-transfer`), or `''` when it
   * shows a payment it was given instead.
   * @internal
   */
  protected get startMethod(): string {
    return '';
  }
  private startedFor = '';

  /** Drops the current payment and starts a new one for the same `orderRef` (e.g. "New QR"). @internal */
  protected restart(): void {
    this.status.stop();
    this.orderId = this.startedFor = '';
    this.view = this.localStatus = null;
  }

  /** Applies a view from the companion: deadline with skew, and final-state events (once each). */
  protected viewChanged(view: PaymentView, skewMs: number | null): void {
    this.view = view;
    this.loadError = '';
    if (view.expiresAt !== undefined) {
      this.countdown.set(view.expiresAt, skewMs ?? this.skewMs);
    }
    if (skewMs !== null) this.skewMs = skewMs;
    if (isFinal(view.status)) {
      this.countdown.stop();
      this.announceFinal(view.status, view);
    }
  }

  private skewMs = 0;

  protected announceFinal(status: FinalStatus, view: PaymentView | null): void {
    const key = `${view?.orderId ?? ''}:${status}`;
    if (this.announcedFinal === key) return;
    this.announcedFinal = key;
    const orderId = view?.orderId ?? this.orderId;
    // Without a view from the companion (a payment drawn from attributes), a minimal one.
    view ??= { orderId, status, method: '', amount: '', currency: '' };
    emit(this, `haipay-${status}`, { orderId, view }); // haipay-succeeded / -failed / -expired
  }

  /** The countdown reached the server's expiry: confirm once with the companion, then show expired. */
  protected async expiredLocally(): Promise<void> {
    if (this.view && isFinal(this.view.status)) return;
    const confirmed = this.orderId && this.endpoint ? await this.status.refresh() : null;
    if (confirmed && isFinal(confirmed.status)) return; // viewChanged already handled it
    this.status.stop();
    this.localStatus = 'expired';
    this.announceFinal('expired', this.view);
  }

  protected emitError(type: string, message: string, code?: string): void {
    emit(this, 'haipay-error', code === undefined ? { type, message } : { type, message, code });
  }
}
