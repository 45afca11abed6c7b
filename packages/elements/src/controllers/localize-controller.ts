import type { ReactiveController, ReactiveControllerHost } from 'lit';
import en, { type Translation, type TranslationKey } from '../translations/en.js';
import th from '../translations/th.js';
import zhTW from '../translations/zh-TW.js';

export type { Translation, TranslationKey };

export const LOCALES = { en, th, 'zh-TW': zhTW } as const;
export type Locale = keyof typeof LOCALES;

export interface LocalizeHost extends ReactiveControllerHost, HTMLElement {
  /** BCP 47 tag from the element's `locale` attribute. */
  locale?: string | undefined;
  /** Merchant overrides, per key, merged over the locale's strings. */
  strings?: Partial<Translation> | undefined;
}

/** Maps any BCP 47 tag onto a shipped locale: `th-TH` → `th`, `zh-Hant`/`zh-HK`/`zh-TW` → `zh-TW`. */
export function resolveLocale(tag: string | undefined | null): Locale {
  const t = (tag ?? '').toLowerCase();
  if (t.startsWith('th')) return 'th';
  if (t.startsWith('zh')) return 'zh-TW';
  return 'en';
}

/**
 * Strings, money and times for one element. The locale comes from the host's `locale` attribute, else
 * the nearest `lang` (in the host's own tree), else `en`. Strings are `{param}` templates so a merchant
 * can override them as plain JSON.
 */
export class LocalizeController implements ReactiveController {
  constructor(private readonly host: LocalizeHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The shipped locale in use. */
  get lang(): Locale {
    return resolveLocale(this.tag);
  }

  /** The full tag (e.g. `th-TH`) for `Intl`. */
  get tag(): string {
    return this.host.locale || this.host.closest('[lang]')?.getAttribute('lang') || 'en';
  }

  term(key: TranslationKey, params: Record<string, unknown> = {}): string {
    const template = this.host.strings?.[key] ?? LOCALES[this.lang][key] ?? en[key];
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  }

  has(key: string): key is TranslationKey {
    return key in en;
  }

  /** `amount` is the companion's decimal string; shown with the currency's own symbol. */
  money(amount: string | number, currency: string): string {
    const n = typeof amount === 'number' ? amount : Number(amount);
    if (!Number.isFinite(n)) return `${amount} ${currency}`;
    try {
      return new Intl.NumberFormat(this.intlTag, { style: 'currency', currency }).format(n);
    } catch {
      return `${amount} ${currency}`;
    }
  }

  time(at: number): string {
    return new Intl.DateTimeFormat(this.intlTag, { hour: '2-digit', minute: '2-digit' }).format(at);
  }

  private get intlTag(): string {
    return this.lang === 'en' ? this.tag : this.lang === 'th' ? 'th-TH' : 'zh-TW';
  }
}
