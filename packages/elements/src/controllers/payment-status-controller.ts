import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { getPayment, paymentUrl } from '../api.js';
import { isFinal, type PaymentView } from '../types.js';

export interface PaymentStatusOptions {
  /** Every new view of the payment (first GET, stream events, polls). */
  onView: (view: PaymentView, skewMs: number | null) => void;
  /** The first GET failed (unknown order, network). Polls that fail just back off. */
  onError?: (error: unknown) => void;
  now?: () => number;
  /** First polling interval in ms; doubles while nothing changes, up to `pollMaxMs`. */
  pollMs?: () => number;
  pollMaxMs?: number;
}

export type StatusTransport = 'idle' | 'stream' | 'poll' | 'paused' | 'done';

/**
 * Follows one payment's status: a GET first (the `Date` header gives the clock skew), then the
 * companion's server-sent events (docs/contracts.md: first event is the current state, the stream ends
 * after a final status). If the stream fails it falls back to polling `GET /payments/:orderId` with
 * exponential backoff. While the tab is hidden nothing runs; on return it refreshes and resumes.
 */
export class PaymentStatusController implements ReactiveController {
  view: PaymentView | null = null;
  transport: StatusTransport = 'idle';
  private endpoint = '';
  private orderId = '';
  private source: EventSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every (re)start and stop: answers of an older generation are dropped. */
  private generation = 0;
  private readonly onVisibility = (): void => this.visibilityChanged();
  private readonly now: () => number;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PaymentStatusOptions,
  ) {
    this.now = options.now ?? Date.now;
    host.addController(this);
  }

  /** Starts following `orderId` (stops following anything else). */
  async follow(endpoint: string, orderId: string): Promise<void> {
    if (this.endpoint === endpoint && this.orderId === orderId && this.transport !== 'idle') return;
    this.stop();
    this.endpoint = endpoint;
    this.orderId = orderId;
    this.view = null;
    const gen = ++this.generation;
    await this.load(gen, this.options.onError);
    if (gen === this.generation) this.resume();
  }

  /** Stops every transport and forgets the order. */
  stop(): void {
    this.generation++;
    this.close();
    this.transport = 'idle';
    this.orderId = '';
  }

  /** One GET now; returns the view (also delivered through `onView`). A failure keeps the last view. */
  async refresh(): Promise<PaymentView | null> {
    if (this.orderId) await this.load(this.generation);
    return this.view;
  }

  hostConnected(): void {
    this.listen('add');
    if (this.orderId && this.transport === 'idle') void this.follow(this.endpoint, this.orderId);
  }

  hostDisconnected(): void {
    this.listen('remove');
    this.close();
    if (this.transport !== 'done') this.transport = 'idle';
  }

  private listen(how: 'add' | 'remove'): void {
    if (typeof document !== 'undefined')
      document[`${how}EventListener`]('visibilitychange', this.onVisibility);
  }

  /** One GET; its answer (or failure) counts only if nothing restarted or stopped meanwhile. */
  private async load(gen: number, onError?: (error: unknown) => void): Promise<void> {
    try {
      const { body, skewMs } = await getPayment(this.endpoint, this.orderId, this.now);
      if (gen === this.generation) this.accept(body, skewMs);
    } catch (error) {
      if (gen === this.generation) onError?.(error);
    }
  }

  private accept(view: PaymentView, skewMs: number | null): void {
    const prev = this.view;
    if (prev && isFinal(prev.status)) return; // a final state never changes
    this.view = view;
    if (isFinal(view.status)) {
      this.close();
      this.transport = 'done';
    }
    if (!prev || prev.status !== view.status || prev.updatedAt !== view.updatedAt || skewMs !== null) {
      this.options.onView(view, skewMs);
    }
    this.host.requestUpdate();
  }

  private close(): void {
    this.source?.close();
    this.source = undefined;
    clearTimeout(this.timer);
  }

  private resume(): void {
    if (!this.orderId || this.transport === 'done') return;
    if (typeof document !== 'undefined' && document.hidden) {
      this.transport = 'paused';
      return;
    }
    if (typeof EventSource === 'undefined') return this.poll();
    this.transport = 'stream';
    // Same-origin credentials only (EventSource's default, `withCredentials: false`).
    const source = (this.source = new EventSource(`${paymentUrl(this.endpoint, this.orderId)}/events`));
    const onStatus = (e: MessageEvent<string>): void => {
      try {
        this.accept(JSON.parse(e.data) as PaymentView, null);
      } catch {
        /* a malformed event is ignored; the next one or a poll corrects it */
      }
    };
    source.addEventListener('status', onStatus as EventListener);
    source.onmessage = onStatus;
    source.onerror = () => {
      if (this.source !== source) return;
      // The stream failed or dropped before a final status: poll instead of hammering reconnects.
      this.close();
      this.poll();
    };
  }

  private poll(): void {
    this.transport = 'poll';
    const base = this.options.pollMs?.() ?? 2000;
    const max = this.options.pollMaxMs ?? 30_000;
    const gen = this.generation;
    const live = (): boolean => gen === this.generation && this.transport === 'poll';
    const next = (delay: number): void => {
      this.timer = setTimeout(() => {
        if (!live()) return;
        const before = this.view?.status;
        // Back to the first interval after a change, else double up to `max`. A failed poll (even one
        // that rejects) changes nothing, so it backs off and polling goes on.
        const again = (): void => {
          if (live()) next(before !== this.view?.status ? base : Math.min(delay * 2, max));
        };
        this.refresh().then(again, again);
      }, delay);
    };
    next(base);
  }

  private visibilityChanged(): void {
    if (!this.orderId || this.transport === 'done' || this.transport === 'idle') return;
    if (document.hidden) {
      this.close();
      this.transport = 'paused';
    } else if (this.transport === 'paused') {
      void this.refresh().then(() => this.resume());
    }
  }
}
