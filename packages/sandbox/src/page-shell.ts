/**
 * The frame every hosted page shares: a neutral look of its own (system fonts, light and dark by
 * `prefers-color-scheme`, one column that fits a 375 px phone, visible focus), a header that says
 * "HaiPay" with a SANDBOX badge, a note that no real money moves, and links to the same page in the
 * other languages. It is deliberately plain, so no one takes it for the shop's page or for HaiPay's.
 */
import { langFromQuery, PAGE_LANGS, pageLang, translator, type PageLang } from './page-strings.js';

/** Escapes text for HTML element content and attribute values; `undefined` is no text. */
export function esc(text: string | undefined): string {
  return (text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Named faces before the generic ones: a browser may take `system-ui` or `sans-serif` as covering
// every character and draw boxes for the Thai or Chinese ones it lacks, so the Thai and Chinese faces
// (Noto on Linux and Android, Thonburi and PingFang on Apple systems, Leelawadee and JhengHei on
// Windows) come first. The pages load no web font.
const FONTS =
  '-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Thai","Noto Sans TC",Thonburi,"PingFang TC","Leelawadee UI","Microsoft JhengHei",system-ui,sans-serif';

const STYLE = `
:root{color-scheme:light dark;--bg:#f3f4f6;--surface:#fff;--text:#111827;--muted:#4b5563;--line:#d1d5db;--field:#fff;--field-line:#6b7280;--accent:#1d4ed8;--accent-text:#fff;--focus:#2563eb;--danger:#b91c1c;--badge-bg:#fef3c7;--badge-text:#78350f;--code:#f3f4f6}
@media (prefers-color-scheme:dark){:root{--bg:#0b0f14;--surface:#161b22;--text:#e5e7eb;--muted:#9ca3af;--line:#30363d;--field:#0d1117;--field-line:#8b949e;--accent:#60a5fa;--accent-text:#0b0f14;--focus:#93c5fd;--danger:#f87171;--badge-bg:#fcd34d;--badge-text:#1f1300;--code:#0d1117}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 ${FONTS};color:var(--text);background:var(--bg)}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;max-width:30rem;margin:0 auto;padding:.75rem 1rem}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:700}
.badge{font-size:.75rem;letter-spacing:.08em;padding:.1rem .45rem;border-radius:4px;background:var(--badge-bg);color:var(--badge-text)}
.langs{display:flex;gap:.75rem;margin:0 0 0 auto;padding:0;list-style:none;font-size:.875rem}
.langs a{color:var(--muted)}.langs [aria-current]{font-weight:600}
.note{max-width:30rem;margin:0 auto;padding:0 1rem;font-size:.875rem;color:var(--muted)}
main{max-width:30rem;margin:.75rem auto 2rem;padding:1.25rem;background:var(--surface);border:1px solid var(--line);border-radius:12px}
@media (max-width:480px){main{margin:.5rem 0 1rem;border-radius:0;border-width:1px 0}}
h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem}
.amount{margin:0;font-size:2rem;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums}
.amount small{font-size:1rem;font-weight:600;color:var(--muted)}
.subject{margin:.25rem 0 1rem;color:var(--muted)}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0 0 1rem;font-size:.875rem}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
dl.ids dd{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8125rem}
.code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:1.25rem;letter-spacing:.04em;padding:.6rem .75rem;background:var(--code);border:1px solid var(--line);border-radius:8px;overflow-wrap:anywhere}
label{display:block;margin:1rem 0 .3rem;font-weight:600}
input,select,textarea{width:100%;font:inherit;font-size:16px;color:var(--text);background:var(--field);padding:.65rem .75rem;border:1px solid var(--field-line);border-radius:8px}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:14px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:0 .75rem;align-items:end}
.actions{display:flex;gap:.75rem;margin-top:1.5rem;flex-wrap:wrap}
button{flex:1 1 8rem;min-height:48px;padding:.5rem 1rem;font:inherit;font-weight:700;border-radius:8px;border:2px solid var(--accent);cursor:pointer}
button.primary{background:var(--accent);color:var(--accent-text)}button.secondary{background:transparent;color:var(--accent)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.error{color:var(--danger);font-weight:600;margin:.3rem 0 0}
[role=alert].error{margin:0 0 1rem}
[aria-invalid=true]{border-color:var(--danger);border-width:2px}
fieldset{border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem 1rem;margin:0}
legend{font-weight:600;padding:0 .25rem}
fieldset label{font-weight:400;display:flex;gap:.6rem;align-items:center;margin:.5rem 0 0;min-height:44px}
fieldset input{width:20px;height:20px;margin:0}
.help{margin:1.5rem 0 0;padding-top:1rem;border-top:1px solid var(--line);font-size:.875rem;color:var(--muted)}
.help ul{margin:.25rem 0 0;padding-left:1.25rem}
.help code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--text)}
`;

/**
 * A neutral sandbox mark (a grey square with an "S"), inline so the hosted pages never ask the shop's
 * origin for `/favicon.ico` (a 404 in every browser's log) and never look like the shop's own pages.
 */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%23475569'/%3E%3Ctext x='16' y='23' text-anchor='middle' font-family='sans-serif' font-size='20' font-weight='700' fill='%23fff'%3ES%3C/text%3E%3C/svg%3E";

/** Where the page is and in which language: for the language links and the forms' `?lang=`. */
export interface PageContext {
  lang: PageLang;
  /** The page's path without a query (`/pay/…`, `/bank-app`); no language links without it. */
  path?: string;
  /** Other query parameters the language links keep (the bank app's prefilled payload). */
  query?: Record<string, string>;
  /** The language came from `?lang=`: the page's forms and links carry it on. */
  sticky?: boolean;
}

/** A request's page context: the shopper's language from `?lang=`, else Accept-Language, else English (docs/protocol.md §4). */
export function pageContext(
  req: { query: unknown; get(name: string): string | undefined },
  path?: string,
  query?: Record<string, string>,
): PageContext {
  const asked = (req.query as Record<string, unknown> | undefined)?.lang;
  return {
    lang: pageLang(asked, req.get('accept-language')),
    path,
    query,
    sticky: langFromQuery(asked) !== undefined,
  };
}

/** A form's action or a link on the page: `path`, with `?lang=` when the page was opened with one. */
export function pageAction(path: string, ctx: PageContext, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...query, ...(ctx.sticky ? { lang: ctx.lang } : {}) });
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** `path?lang=…` (plus `query`): the same page in a language, or a form's action in the page's one. */
function pageHref(path: string, lang: PageLang, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...query, lang });
  return `${path}?${params.toString()}`;
}

function languageLinks(ctx: PageContext): string {
  if (!ctx.path) return '';
  const t = translator(ctx.lang);
  const items = PAGE_LANGS.map((l) => {
    const name = translator(l)('lang.name');
    return l === ctx.lang
      ? `<li><span aria-current="true" lang="${l}">${esc(name)}</span></li>`
      : `<li><a href="${esc(pageHref(ctx.path!, l, ctx.query))}" lang="${l}" hreflang="${l}">${esc(name)}</a></li>`;
  }).join('');
  return `<nav aria-label="${esc(t('lang.label'))}"><ul class="langs">${items}</ul></nav>`;
}

/** Wraps page content in the common accessible, phone-friendly shell. */
export function layout(title: string, body: string, status = '', ctx: PageContext = { lang: 'en' }): string {
  const t = translator(ctx.lang);
  return `<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)} · ${esc(t('shell.title'))}</title>
<link rel="icon" href="${FAVICON}">
<style>${STYLE}</style>
</head>
<body>
<header>
<div class="top">
<span class="brand">${esc(t('shell.brand'))} <span class="badge">${esc(t('shell.badge'))}</span></span>
${languageLinks(ctx)}
</div>
<p class="note" role="note">${esc(t('shell.note'))}</p>
</header>
<main>
<h1>${esc(title)}</h1>
${status}
${body}
</main>
</body>
</html>`;
}
