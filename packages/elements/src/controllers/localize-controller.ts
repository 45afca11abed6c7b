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

  /** `amount` in `currency`, as {@link formatMoney} shows it in this element's locale. */
  money(amount: string | number, currency: string): string {
    return formatMoney(amount, currency, this.tag);
  }

  time(at: number): string {
    return new Intl.DateTimeFormat(intlTag(this.tag), { hour: '2-digit', minute: '2-digit' }).format(at);
  }
}

/** The `Intl` tag for a page's tag: Thai and Chinese as shipped, English with the page's region. */
function intlTag(tag: string): string {
  const lang = resolveLocale(tag);
  return lang == 'en' ? tag : lang == 'th' ? 'th-TH' : 'zh-TW';
}

/**
 * An amount as the elements show it, so a page can print its own totals the same way: `amount` is a
 * decimal string (or number) in `currency`, `locale` a BCP 47 tag (`th-TH` → Thai, `zh-Hant` → Chinese,
 * anything else English with its region). Digits, grouping and the symbol's place come from
 * `Intl.NumberFormat` in that locale; the symbol is one a shopper cannot mistake for another currency's,
 * the same in every language:
 *
 * | currency | en, th, zh-TW | why |
 * |---|---|---|
 * | THB | `฿1,250.50` | the narrow symbol (the plain one is `THB 1,250.50` in English) |
 * | TWD | `NT$900` | `Intl` writes Taiwan's dollar as a bare `$` in zh-TW; HaiPay's TWD amounts are whole (`^[1-9]\d*$`), so no `.00` |
 * | USD | `US$24.50` | a bare `$` reads as Taiwan's dollar in zh-TW, and as any dollar to a Thai or Taiwanese shopper reading English |
 * | VND | `₫150,000` | the narrow symbol, whole dong |
 *
 * A dollar is always named, English included. A TWD amount written with cents (the global cashier's
 * `900.00`) shows them only when they are not zero (`NT$900`, `NT$900.5`). Another currency gets its
 * narrow symbol (or its code: `XYZ 12.00`); a code `Intl` refuses shows as given (`12 U$D`).
 */
export function formatMoney(amount: string | number, currency: string, locale: string): string {
  try {
    return (
      new Intl.NumberFormat(intlTag(locale), {
        style: 'currency',
        currency,
        currencyDisplay: 'narrowSymbol',
        // ICU gives TWD two digits; HaiPay's are whole (docs/protocol.md "Amounts").
        minimumFractionDigits: currency == 'TWD' ? 0 : undefined,
      })
        // A decimal string is formatted exactly (no float); older engines read it as a number.
        .format(amount as `${number}`)
        // Both dollars' narrow symbol is `$` (any letters before it are kept for other currencies).
        .replace(/[A-Z]*\$/, currency == 'TWD' ? 'NT$' : currency == 'USD' ? 'US$' : '$&')
    );
  } catch {
    return `${amount} ${currency}`; // a code Intl refuses
  }
}
