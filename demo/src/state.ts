/**
 * The storefront's client state: language, theme and cart, kept in localStorage so a reload (or the
 * return from a 3-D Secure page) finds them again. Changes call the subscribed re-render.
 */
import { isLocale, type Locale } from './i18n.js';

export const THEMES = ['light', 'dark', 'brand'] as const;
export type ShopTheme = (typeof THEMES)[number];

export interface CartLine {
  id: string;
  qty: number;
}

const KEY = 'saeng-shop';

interface Saved {
  locale: Locale;
  theme: ShopTheme;
  cart: CartLine[];
}

function load(): Saved {
  const fallback: Saved = { locale: guessLocale(), theme: 'light', cart: [] };
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Saved> | null;
    if (!raw) return fallback;
    return {
      locale: isLocale(raw.locale) ? raw.locale : fallback.locale,
      theme: (THEMES as readonly string[]).includes(raw.theme as string) ? (raw.theme as ShopTheme) : 'light',
      cart: Array.isArray(raw.cart)
        ? raw.cart.filter((l) => typeof l?.id === 'string' && Number.isInteger(l.qty) && l.qty > 0)
        : [],
    };
  } catch {
    return fallback;
  }
}

function guessLocale(): Locale {
  const lang = (navigator.language || 'en').toLowerCase();
  if (lang.startsWith('th')) return 'th';
  if (lang.startsWith('zh')) return 'zh-TW';
  return 'en';
}

const state = load();
const listeners = new Set<() => void>();

function save(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // Private mode: the shop still works, it just forgets on reload.
  }
  for (const l of listeners) l();
}

export function onChange(listener: () => void): void {
  listeners.add(listener);
}

export const prefs = {
  get locale(): Locale {
    return state.locale;
  },
  set locale(value: Locale) {
    state.locale = value;
    save();
  },
  get theme(): ShopTheme {
    return state.theme;
  },
  set theme(value: ShopTheme) {
    state.theme = value;
    save();
  },
};

export const cart = {
  get lines(): readonly CartLine[] {
    return state.cart;
  },
  get count(): number {
    return state.cart.reduce((n, l) => n + l.qty, 0);
  },
  add(id: string, qty = 1): void {
    const line = state.cart.find((l) => l.id === id);
    if (line) line.qty = Math.min(line.qty + qty, 20);
    else state.cart.push({ id, qty });
    save();
  },
  set(id: string, qty: number): void {
    const line = state.cart.find((l) => l.id === id);
    if (!line) return;
    if (qty <= 0) state.cart = state.cart.filter((l) => l.id !== id);
    else line.qty = Math.min(qty, 20);
    save();
  },
  clear(): void {
    state.cart = [];
    save();
  },
};

/** Page-session memory (survives a reload, not a new tab): the open checkout and its live payment. */
export const session = {
  get<T>(key: string): T | null {
    try {
      return JSON.parse(sessionStorage.getItem(`saeng:${key}`) ?? 'null') as T | null;
    } catch {
      return null;
    }
  },
  set(key: string, value: unknown): void {
    try {
      if (value === null) sessionStorage.removeItem(`saeng:${key}`);
      else sessionStorage.setItem(`saeng:${key}`, JSON.stringify(value));
    } catch {
      // ignore
    }
  },
};
