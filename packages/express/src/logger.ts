/**
 * A tiny structured logger interface with path-based redaction (after pino's `redact.paths`).
 *
 * Card number and CVV must never reach a log line (ARCHITECTURE.md "Safety lines"), so every logger the
 * kit builds redacts fields by path before writing, and the kit itself only ever logs field objects,
 * never interpolated request bodies.
 */
import { HaiPayConfigError } from './errors.js';
import { luhnCheck } from '@haipay-kit/protocol/rules';

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** The logging interface the kit writes to. Any of pino, winston or console fits with a thin adapter. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Paths redacted by default. A segment `*` matches any key at that depth; a path of a single key name
 * (e.g. `cvv`) matches that key at any depth.
 */
const DEFAULT_REDACT_PATHS: readonly string[] = [
  'cardNumber',
  'accountNo',
  'cvv',
  'cvc',
  'pan',
  'privateKey',
  'secretKey',
  'secret',
  'authorization',
  'cookie',
];

/** The placeholder written in place of a redacted value. */
export const REDACTED = '[Redacted]';

const PLATFORM_NUMBER_KEYS = new Set(['orderNo', 'subscriptionNo', 'refundNo', 'deductNo']);
const PAN_RE = /\b\d(?:[ -]?\d){12,18}\b/g;

/**
 * Returns a deep copy of `value` with the values at `paths` replaced by `[Redacted]`. Strings anywhere
 * that look like a card number (13–19 digits) are masked too, as a last line of defence.
 */
export function redact(value: unknown, paths: readonly string[] = DEFAULT_REDACT_PATHS): unknown {
  const anyDepth = new Set(paths.filter((p) => !p.includes('.')).map((p) => p.toLowerCase()));
  const pathed = paths.filter((p) => p.includes('.')).map((p) => p.split('.'));
  const seen = new WeakSet<object>();
  const walk = (v: unknown, trail: string[]): unknown => {
    if (typeof v === 'string') return maskPans(v);
    if (v instanceof Error) {
      return walk({ name: v.name, message: v.message, ...(v as unknown as Record<string, unknown>) }, trail);
    }
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...trail, String(i)]));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const here = [...trail, k];
      const hit =
        anyDepth.has(k.toLowerCase()) ||
        pathed.some((p) => p.length === here.length && p.every((seg, i) => seg === '*' || seg === here[i]));
      // HaiPay's platform numbers are 16 digits and pass the Luhn check one time in ten: keep them readable.
      out[k] = hit ? REDACTED : typeof x === 'string' && PLATFORM_NUMBER_KEYS.has(k) ? x : walk(x, here);
    }
    return out;
  };
  return walk(value, []);
}

/** Masks every run of 13–19 digits (optionally spaced) that passes the Luhn check, keeping the last four. */
function maskPans(text: string): string {
  return text.replace(PAN_RE, (m) => {
    const digits = m.replace(/\D/g, '');
    return luhnCheck(digits) ? `****${digits.slice(-4)}` : m;
  });
}

/** Options for {@link createConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Extra paths to redact, added to {@link DEFAULT_REDACT_PATHS}. */
  redactPaths?: readonly string[];
  /** Where lines go. Default: `console.log`/`console.error` as JSON lines. */
  write?: (line: string, level: 'debug' | 'info' | 'warn' | 'error') => void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** Creates a JSON-lines logger that redacts by path. The kit's default logger. */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  if (min === undefined) {
    throw new HaiPayConfigError(`level: must be one of ${Object.keys(LEVELS).join(', ')}.`);
  }
  const paths = [...DEFAULT_REDACT_PATHS, ...(options.redactPaths ?? [])];
  const write =
    options.write ??
    ((line: string, level: string) =>
      level === 'error' || level === 'warn' ? console.error(line) : console.log(line));
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (LEVELS[level] < min) return;
      const safe = fields ? (redact(fields, paths) as LogFields) : {};
      write(
        JSON.stringify({ level, time: new Date().toISOString(), msg: maskPans(message), ...safe }),
        level,
      );
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Wraps any logger so everything written through it is redacted by path first. */
export function redactingLogger(inner: Logger, redactPaths: readonly string[] = []): Logger {
  const paths = [...DEFAULT_REDACT_PATHS, ...redactPaths];
  const wrap =
    (fn: (m: string, f?: LogFields) => void) =>
    (message: string, fields?: LogFields): void =>
      fn(maskPans(message), fields ? (redact(fields, paths) as LogFields) : undefined);
  return {
    debug: wrap(inner.debug.bind(inner)),
    info: wrap(inner.info.bind(inner)),
    warn: wrap(inner.warn.bind(inner)),
    error: wrap(inner.error.bind(inner)),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
