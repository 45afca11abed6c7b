import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface CountdownOptions {
  /** The client clock; injectable so tests (and SSR) control time. */
  now?: () => number;
  /** Called once when the deadline passes. */
  onExpire?: () => void;
}

/** Remaining-time thresholds (ms) that are announced to screen readers — never every second. */
const MILESTONES = [5 * 60_000, 60_000] as const;

/**
 * Counts down to the server's expiry, not the browser's: `remaining = expiresAt − (now + skew)` where
 * `skew` is the server clock minus the client clock, taken from a companion response's `Date` header
 * (docs/contracts.md: "Responses carry the standard `Date` header"). Re-renders the host once a second
 * while connected; milestones and expiry are evaluated on every host update, so a test can move the
 * injected clock and call `requestUpdate()`.
 */
export class CountdownController implements ReactiveController {
  private expiresAtMs: number | null = null;
  private skewMs = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private last: number | null = null;
  private fired = false;
  /** The latest milestone crossed (ms threshold), for an `aria-live` region. */
  milestone: number | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: CountdownOptions = {},
  ) {
    host.addController(this);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Sets the deadline; `skewMs` = server clock − client clock. */
  set(expiresAt: string | number | null | undefined, skewMs = 0): void {
    const ms =
      expiresAt == null || expiresAt === ''
        ? NaN
        : typeof expiresAt === 'number'
          ? expiresAt
          : Date.parse(expiresAt);
    const next = Number.isFinite(ms) ? ms : null;
    if (next !== this.expiresAtMs || skewMs !== this.skewMs) {
      this.expiresAtMs = next;
      this.skewMs = skewMs;
      this.last = null;
      this.fired = false;
      this.milestone = null;
      // A new deadline after stop() (a new payment in the same element) ticks again.
      if (!this.timer && (this.host as Partial<Element>).isConnected) this.hostConnected();
      this.host.requestUpdate();
    }
  }

  get active(): boolean {
    return this.expiresAtMs !== null;
  }

  /** The deadline on the client's clock (for "pay before hh:mm"). */
  get deadlineOnClientClock(): number | null {
    return this.expiresAtMs === null ? null : this.expiresAtMs - this.skewMs;
  }

  /** Milliseconds left on the server's clock, never negative; `null` without a deadline. */
  get remainingMs(): number | null {
    if (this.expiresAtMs === null) return null;
    return Math.max(0, this.expiresAtMs - (this.now() + this.skewMs));
  }

  /** `m:ss`, or `h:mm:ss` from an hour up; counts whole seconds up so 0:00 means expired. */
  get display(): string {
    const ms = this.remainingMs;
    if (ms === null) return '';
    const total = Math.ceil(ms / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  hostConnected(): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.expiresAtMs !== null && !this.fired) this.host.requestUpdate();
    }, 1000);
  }

  hostDisconnected(): void {
    this.stop();
  }

  hostUpdate(): void {
    const left = this.remainingMs;
    if (left === null) return;
    if (this.last !== null) {
      for (const t of MILESTONES) if (this.last > t && left <= t && left > 0) this.milestone = t;
    }
    this.last = left;
    if (left === 0 && !this.fired) {
      this.fired = true;
      // Outside the update cycle: the callback changes state and dispatches events.
      queueMicrotask(() => this.options.onExpire?.());
    }
  }
}
