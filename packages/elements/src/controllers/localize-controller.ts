import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Translation, TranslationKey } from '../translations/en.js';

export type { Translation, TranslationKey };

/** The shipped locales. */
export const LOCALES = ['en', 'th', 'zh-TW'] as const;
export type Locale = (typeof LOCALES)[number];

/** Some of the strings (one element's keys). */
type Strings = Partial<Translation>;

/**
 * One element's strings: English bundled with the element, the other locales as dynamic imports so a
 * shopper downloads only their own language (each is a separate chunk in the merchant's build).
 */
export interface ElementStrings {
  en: Strings;
  th: () => Promise<{ default: Strings }>;
  'zh-TW': () => Promise<{ default: Strings }>;
}

/** Tables loaded so far, by loader (shared by every instance of an element). */
const loaded = new Map<ElementStrings[Locale], Strings>();
const loading = new Map<ElementStrings[Locale], Promise<void>>();

export interface LocalizeHost extends ReactiveControllerHost, HTMLElement {
  /** BCP 47 tag from the element's `locale` attribute. */
  locale?: string | undefined;
  /** Merchant overrides, per key, merged over the locale's strings. */
  strings?: Partial<Translation> | undefined;
}

/**
 * Connected hosts, re-rendered when `<html lang>` or `dir` changes (a page that switches language
 * without reloading), as Shoelace's localize does: one observer for all of them, created by the first
 * connected host, so importing this module touches no DOM (server rendering).
 */
const hosts = new Set<LocalizeHost>();
let observer: MutationObserver | undefined;

/** Maps any BCP 47 tag onto a shipped locale: `th-TH` → `th`, `zh-Hant`/`zh-HK`/`zh-TW` → `zh-TW`. */
export function resolveLocale(tag: string | undefined | null): Locale {
  const t = (tag ?? '').toLowerCase();
  if (t.startsWith('th')) return 'th';
  if (t.startsWith('zh')) return 'zh-TW';
  return 'en';
}

/**
 * Strings, money and times for one element. The locale comes from the host's `locale` attribute, else
 * the nearest `lang` (in the host's own tree), else `en`; a later change of `<html lang>` re-renders
 * every connected element (one with its own `locale` keeps it). Strings are `{param}` templates so a merchant
 * can override them as plain JSON. A non-English table is fetched on first use: the host awaits
 * `load()` before it renders (see `HaiPayPaymentElement.scheduleUpdate`), so it never flashes English.
 */
export class LocalizeController implements ReactiveController {
  constructor(
    private readonly host: LocalizeHost,
    private readonly strings: ElementStrings,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    hosts.add(this.host);
    observer ??= new MutationObserver(() => hosts.forEach((h) => h.requestUpdate()));
    // Observing the same node again only replaces the options: still one registration.
    observer.observe(document.documentElement, { attributeFilter: ['lang', 'dir'] });
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
  }

  /** The shipped locale in use. */
  get lang(): Locale {
    return resolveLocale(this.tag);
  }

  /** The full tag (e.g. `th-TH`) for `Intl`. */
  get tag(): string {
    return this.host.locale || this.host.closest('[lang]')?.getAttribute('lang') || 'en';
  }

  /**
   * Starts loading the current locale's table; `undefined` when it is already here (or English).
   * The promise never rejects: if the chunk cannot be fetched the element stays in English.
   */
  load(): Promise<void> | undefined {
    const lang = this.lang;
    if (lang === 'en') return undefined;
    const loader = this.strings[lang];
    if (loaded.has(loader)) return undefined;
    let pending = loading.get(loader);
    if (!pending) {
      pending = loader().then(
        (m) => void loaded.set(loader, m.default),
        () => {},
      );
      loading.set(loader, pending);
    }
    return pending;
  }

  term(key: TranslationKey, params: Record<string, unknown> = {}): string {
    const lang = this.lang;
    const template =
      this.host.strings?.[key] ??
      (lang === 'en' ? undefined : loaded.get(this.strings[lang])?.[key]) ??
      this.strings.en[key] ??
      key;
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  }

  has(key: string): key is TranslationKey {
    return key in this.strings.en;
  }

  /**
   * `amount` is the companion's decimal string; shown in the page's locale with the currency's narrow
   * symbol, as a shop formats its own prices (`฿690.00` in English, Thai and Chinese alike; the plain
   * symbol would read `THB 690.00` in English). Taiwan dollars keep `NT$` where the locale writes it:
   * their narrow symbol `$` would read as US dollars.
   */
  money(amount: string | number, currency: string): string {
    const n = Number(amount);
    try {
      if (Number.isFinite(n))
        return new Intl.NumberFormat(this.intlTag, {
          style: 'currency',
          currency,
          currencyDisplay: currency == 'TWD' ? 'symbol' : 'narrowSymbol',
        }).format(n);
    } catch {
      // an unknown currency code: shown as given
    }
    return `${amount} ${currency}`;
  }

  time(at: number): string {
    return new Intl.DateTimeFormat(this.intlTag, { hour: '2-digit', minute: '2-digit' }).format(at);
  }

  private get intlTag(): string {
    return this.lang === 'en' ? this.tag : this.lang === 'th' ? 'th-TH' : 'zh-TW';
  }
}
