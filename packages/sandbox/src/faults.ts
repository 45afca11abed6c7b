/**
 * Fault injection: make the sandbox misbehave on purpose, per endpoint, for the next N calls.
 *
 * Request faults act on the HTTP answer of an API call; notification faults act on the next N
 * notifications whose order was created through a matching endpoint. docs/protocol.md §1: `1003` and
 * `1004` mean "the order may already exist", so those faults record the order before answering.
 */

/** Every fault mode the control API accepts (`POST /_sandbox/faults {"mode": …}`). */
export const FAULT_MODES = [
  'latency',
  'hang',
  'http500',
  'error',
  '1003',
  '1004',
  'malformedJson',
  'badSignature',
  'duplicateNotification',
  'outOfOrderNotifications',
  'delayedNotification',
] as const;

/** One of {@link FAULT_MODES}. */
export type FaultMode = (typeof FAULT_MODES)[number];

/** Modes that act on notifications rather than on the HTTP answer. */
const NOTIFICATION_FAULT_MODES: readonly FaultMode[] = [
  'duplicateNotification',
  'outOfOrderNotifications',
  'delayedNotification',
];

/** What a test asks for. */
export interface FaultSpec {
  /** The fault's kind. */
  mode: FaultMode;
  /**
   * Which endpoint: a path (`/thb/collect/apply`), a path suffix matched on whole segments
   * (`collect/apply` matches every currency and the global cashier), or `*` (default) for all.
   */
  endpoint?: string;
  /** How many calls (or notifications) it affects; default 1. */
  count?: number;
  /**
   * `latency`: real milliseconds before answering (default 1000). `hang`: real milliseconds to hold
   * the connection before dropping it (default: until the sandbox closes). `delayedNotification` and
   * `outOfOrderNotifications`: virtual milliseconds to hold the notification (default 10 min / 1 min).
   */
  ms?: number;
  /** `error` mode: the HaiPay error code to answer (`1003`, `1004`, `5012`, …). */
  code?: string;
}

/** An active fault, as listed by `GET /_sandbox/faults`. */
export interface Fault {
  id: number;
  mode: FaultMode;
  endpoint: string;
  remaining: number;
  ms?: number;
  code?: string;
}

function matches(endpoint: string, path: string): boolean {
  if (endpoint === '*' || endpoint === '') return true;
  const ep = endpoint.replace(/^\/+/, '').toLowerCase();
  const p = path.replace(/^\/+/, '').toLowerCase();
  return p === ep || p.endsWith(`/${ep}`);
}

/** Active faults of one sandbox. */
export class FaultBook {
  #faults: Fault[] = [];
  #seq = 0;

  /** Adds a fault after checking it; throws a `TypeError` naming the problem. */
  add(spec: FaultSpec): Fault {
    if (!spec || !(FAULT_MODES as readonly string[]).includes(spec.mode)) {
      throw new TypeError(`mode must be one of ${FAULT_MODES.join(', ')}`);
    }
    const count = spec.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1) throw new TypeError('count must be an integer ≥ 1');
    if (spec.ms !== undefined && (!Number.isFinite(spec.ms) || spec.ms < 0))
      throw new TypeError('ms must be ≥ 0');
    if (spec.mode === 'error' && !/^\d{4}$/.test(spec.code ?? '')) {
      throw new TypeError('mode "error" needs code, a 4-digit HaiPay error code such as "1003"');
    }
    if (spec.endpoint !== undefined && typeof spec.endpoint !== 'string')
      throw new TypeError('endpoint must be a string');
    const fault: Fault = {
      id: ++this.#seq,
      mode: spec.mode,
      endpoint: spec.endpoint ?? '*',
      remaining: count,
      ...(spec.ms !== undefined ? { ms: spec.ms } : {}),
      ...(spec.mode === '1003' || spec.mode === '1004'
        ? { code: spec.mode }
        : spec.code !== undefined
          ? { code: spec.code }
          : {}),
    };
    this.#faults.push(fault);
    return fault;
  }

  /** Takes (and counts down) every request fault matching `path`, at most one per mode. */
  takeRequestFaults(path: string): Fault[] {
    return this.#take(path, (m) => !NOTIFICATION_FAULT_MODES.includes(m));
  }

  /** Takes the notification faults matching the endpoint that created the order. */
  takeNotificationFaults(path: string): Fault[] {
    return this.#take(path, (m) => NOTIFICATION_FAULT_MODES.includes(m));
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#faults = [];
  }

  #take(path: string, kind: (m: FaultMode) => boolean): Fault[] {
    const taken: Fault[] = [];
    const modes = new Set<FaultMode>();
    for (const f of this.#faults) {
      if (!kind(f.mode) || modes.has(f.mode) || !matches(f.endpoint, path)) continue;
      modes.add(f.mode);
      f.remaining--;
      taken.push({ ...f });
    }
    this.#faults = this.#faults.filter((f) => f.remaining > 0);
    return taken;
  }
}
