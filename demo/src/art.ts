/**
 * Product art drawn as inline SVG: the shop needs no image files, fonts or network. Each drawing takes
 * its colours from the product so the grid reads as a family.
 */
import { svg, type SVGTemplateResult } from 'lit';

export interface BagColours {
  /** Label band. */
  label: string;
  /** Mountain / motif on the label. */
  motif: string;
  /** Background wash behind the product. */
  wash: string;
}

/** A kraft coffee bag with a folded top, a coloured label with mountains, and a one-way valve. */
export function bagArt(c: BagColours, mark: string): SVGTemplateResult {
  return svg`<svg viewBox="0 0 240 200" role="presentation" aria-hidden="true" focusable="false">
    <rect width="240" height="200" fill="${c.wash}"/>
    <circle cx="190" cy="46" r="26" fill="#fff" opacity=".35"/>
    <ellipse cx="120" cy="186" rx="62" ry="7" fill="#000" opacity=".12"/>
    <path d="M78 40 L162 40 L170 182 L70 182 Z" fill="#c9a27a"/>
    <path d="M78 40 L162 40 L166 60 L74 60 Z" fill="#b88e64"/>
    <path d="M82 30 h76 l4 10 h-84 Z" fill="#a87e55"/>
    <path d="M74 60 L166 60 L170 182 L70 182 Z" fill="url(#kraft)" opacity=".25"/>
    <rect x="80" y="84" width="80" height="70" rx="4" fill="${c.label}"/>
    <path d="M84 140 l16 -22 l10 12 l14 -20 l18 30 Z" fill="${c.motif}"/>
    <circle cx="134" cy="100" r="6" fill="#fff" opacity=".85"/>
    <text x="120" y="150" text-anchor="middle" font-size="9" font-weight="700" fill="#fff" letter-spacing="1.5" font-family="system-ui, sans-serif">${mark}</text>
    <circle cx="120" cy="70" r="4" fill="#8d6b48"/>
    <circle cx="120" cy="70" r="1.6" fill="#5b4330"/>
    <defs><linearGradient id="kraft" x1="0" x2="1"><stop offset="0" stop-color="#fff"/><stop offset=".5" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000"/></linearGradient></defs>
  </svg>`;
}

/** A celadon pour-over dripper on a glass server. */
export function dripperArt(wash: string): SVGTemplateResult {
  return svg`<svg viewBox="0 0 240 200" role="presentation" aria-hidden="true" focusable="false">
    <rect width="240" height="200" fill="${wash}"/>
    <ellipse cx="120" cy="186" rx="56" ry="7" fill="#000" opacity=".12"/>
    <path d="M88 118 h64 l-6 64 h-52 Z" fill="#dfe9ec" opacity=".9"/>
    <path d="M92 150 h56 l-3 32 h-50 Z" fill="#6b3f22" opacity=".85"/>
    <rect x="80" y="110" width="80" height="10" rx="5" fill="#8fb9a8"/>
    <path d="M70 44 h100 l-28 66 h-44 Z" fill="#9ccbb6"/>
    <path d="M70 44 h100 l-4 9 h-92 Z" fill="#b6dccb"/>
    <g stroke="#7fb49e" stroke-width="2" opacity=".9">
      <path d="M95 56 l10 50"/><path d="M120 56 v50"/><path d="M145 56 l-10 50"/>
    </g>
    <path d="M164 60 q22 6 8 26" fill="none" stroke="#9ccbb6" stroke-width="7" stroke-linecap="round"/>
    <g fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" opacity=".8">
      <path d="M108 34 q-6 -8 0 -16"/><path d="M122 30 q-6 -8 0 -16"/>
    </g>
  </svg>`;
}

/** A glass jar of cold-brew bags. */
export function coldBrewArt(wash: string): SVGTemplateResult {
  return svg`<svg viewBox="0 0 240 200" role="presentation" aria-hidden="true" focusable="false">
    <rect width="240" height="200" fill="${wash}"/>
    <ellipse cx="120" cy="186" rx="58" ry="7" fill="#000" opacity=".12"/>
    <rect x="78" y="48" width="84" height="136" rx="16" fill="#e9f1f4" opacity=".75"/>
    <rect x="84" y="88" width="72" height="90" rx="12" fill="#3a2416"/>
    <rect x="84" y="88" width="72" height="10" rx="5" fill="#5a3a24"/>
    <rect x="86" y="34" width="68" height="18" rx="5" fill="#2f2f2f"/>
    <g fill="#fff" opacity=".9">
      <rect x="96" y="104" width="18" height="22" rx="3"/><rect x="122" y="116" width="18" height="22" rx="3"/>
    </g>
    <g stroke="#fff" stroke-width="1.5" opacity=".8"><path d="M105 104 v-10"/><path d="M131 116 v-14"/></g>
    <g fill="#fff" opacity=".7"><rect x="100" y="142" width="10" height="10" rx="2"/><rect x="130" y="150" width="10" height="10" rx="2"/></g>
    <rect x="90" y="56" width="6" height="110" rx="3" fill="#fff" opacity=".6"/>
  </svg>`;
}

/** Three small tasting bags in a row. */
export function tastingSetArt(wash: string): SVGTemplateResult {
  const bag = (x: number, colour: string) => svg`
    <path d="M${x} 72 h44 l4 104 h-52 Z" fill="#c9a27a"/>
    <path d="M${x + 2} 64 h40 l2 8 h-44 Z" fill="#a87e55"/>
    <rect x="${x + 4}" y="104" width="36" height="40" rx="3" fill="${colour}"/>
    <path d="M${x + 8} 136 l8 -12 l6 6 l8 -12 l8 18 Z" fill="#fff" opacity=".75"/>`;
  return svg`<svg viewBox="0 0 240 200" role="presentation" aria-hidden="true" focusable="false">
    <rect width="240" height="200" fill="${wash}"/>
    <ellipse cx="120" cy="182" rx="86" ry="7" fill="#000" opacity=".12"/>
    ${bag(46, '#b5452f')}${bag(98, '#2f6f5e')}${bag(150, '#3b4c8c')}
  </svg>`;
}

/** The hero: a sunrise over layered hills, a cup of coffee steaming in front. */
export function heroArt(): SVGTemplateResult {
  return svg`<svg viewBox="0 0 480 360" role="presentation" aria-hidden="true" focusable="false" class="hero-art">
    <defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="var(--hero-sky-top)"/><stop offset="1" stop-color="var(--hero-sky-bottom)"/>
      </linearGradient>
    </defs>
    <rect width="480" height="360" rx="28" fill="url(#sky)"/>
    <circle cx="330" cy="150" r="58" fill="var(--hero-sun)"/>
    <path d="M0 220 Q80 150 160 200 T320 180 T480 190 V360 H0 Z" fill="var(--hero-hill-1)"/>
    <path d="M0 260 Q100 200 210 250 T480 240 V360 H0 Z" fill="var(--hero-hill-2)"/>
    <path d="M0 300 Q140 260 260 296 T480 290 V360 H0 Z" fill="var(--hero-hill-3)"/>
    <g fill="var(--hero-hill-3)" opacity=".9">
      <path d="M60 262 l10 -30 l10 30 Z"/><path d="M80 268 l12 -36 l12 36 Z"/><path d="M408 258 l10 -30 l10 30 Z"/>
    </g>
    <ellipse cx="170" cy="332" rx="86" ry="10" fill="#000" opacity=".18"/>
    <path d="M104 248 h132 v30 a66 56 0 0 1 -132 0 Z" fill="var(--hero-cup)"/>
    <path d="M236 262 q34 0 30 24 q-4 20 -34 20" fill="none" stroke="var(--hero-cup)" stroke-width="12"/>
    <ellipse cx="170" cy="248" rx="66" ry="12" fill="#5a3521"/>
    <ellipse cx="170" cy="246" rx="58" ry="8" fill="#7a4a2c"/>
    <g fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" opacity=".85">
      <path d="M148 224 q-14 -20 0 -40 q14 -20 0 -40"/><path d="M186 220 q-14 -20 0 -40 q14 -20 0 -40"/>
    </g>
  </svg>`;
}

/** The shop's mark: a sun rising out of a coffee bean. */
export function logoMark(): SVGTemplateResult {
  return svg`<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
    <circle cx="16" cy="16" r="15" fill="var(--shop-primary)"/>
    <path d="M16 5 c-7 3 -7 19 0 22 c7 -3 7 -19 0 -22 Z" fill="var(--shop-on-primary)"/>
    <path d="M16 6 c-3 6 3 14 0 20" fill="none" stroke="var(--shop-primary)" stroke-width="2"/>
  </svg>`;
}
