import { css } from 'lit';

// prettier-ignore
const dark = css`
--_bg:var(--haipay-dark-color-background,#16181d);
--_surface:var(--haipay-dark-color-surface,#22262e);
--_fg:var(--haipay-dark-color-text,#eef1f5);
--_muted:var(--haipay-dark-color-muted,#b3bac5);
--_border:var(--haipay-dark-color-border,#7d8590);
--_primary:var(--haipay-dark-color-primary,#8cb4ff);
--_on-primary:var(--haipay-dark-color-on-primary,#0b1020);
--_danger:var(--haipay-dark-color-danger,#ff9b8f);
--_success:var(--haipay-dark-color-success,#6fdd8b);
color-scheme:dark
`;

/**
 * Design tokens and base look shared by every element. Public tokens are `--haipay-*` (settable once on
 * `:root`); `--_*` are private resolved values. Light by default, dark under `prefers-color-scheme:
 * dark` unless `theme="light"`, and always with `theme="dark"`.
 */
// One rule per line, no indentation: esbuild does not minify CSS inside `css` templates, so every
// space here would reach shoppers. The `:host` font is the page's own by default (it covers the page's
// languages); set `--haipay-font-family` to choose another.
// prettier-ignore
export const baseStyles = css`
:host{
--_bg:var(--haipay-color-background,#fff);
--_surface:var(--haipay-color-surface,#f6f8fa);
--_fg:var(--haipay-color-text,#1b1f24);
--_muted:var(--haipay-color-muted,#57606a);
--_border:var(--haipay-color-border,#8c959f);
--_primary:var(--haipay-color-primary,#0a58ca);
--_on-primary:var(--haipay-color-on-primary,#fff);
--_danger:var(--haipay-color-danger,#b42318);
--_success:var(--haipay-color-success,#1a7f37);
--_radius:var(--haipay-radius,8px);
--_gap:var(--haipay-spacing,12px);
display:block;
box-sizing:border-box;
color:var(--_fg);
font-family:var(--haipay-font-family,inherit);
font-size:var(--haipay-font-size,16px);
line-height:1.4;
color-scheme:light}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){${dark}}}
:host([theme=dark]){${dark}}
:host([hidden]){display:none}
*{box-sizing:inherit}
[part~=base]{display:grid;gap:var(--_gap);padding:var(--haipay-padding,16px);background:var(--_bg);border:1px solid var(--_border);border-radius:var(--_radius)}
button{font:inherit;font-size:max(16px,1em);min-height:44px;padding:8px 16px;border-radius:var(--_radius);border:1px solid var(--_primary);background:var(--_bg);color:var(--_fg);cursor:pointer}
button.primary{background:var(--_primary);color:var(--_on-primary);font-weight:600}
button:disabled{opacity:.6;cursor:progress}
button:focus-visible{outline:3px solid var(--_primary);outline-offset:2px}
.muted{color:var(--_muted)}
.amount{font-size:1.5em;font-weight:700;font-variant-numeric:tabular-nums}
.countdown{font-variant-numeric:tabular-nums;font-weight:600}
.status{margin:0}
[data-status=succeeded]{color:var(--_success);font-weight:600}
[data-status=failed],[data-status=expired],.error{color:var(--_danger)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
h2{font-size:1.1em;margin:0}
`;
