/** The elements' theming tokens the design-review page lets a reviewer edit (packages/elements README "Theming"). */
export interface Token {
  /** The token without its prefix, e.g. `color-primary`. */
  name: string;
  kind: 'color' | 'length' | 'font';
}

export const TOKENS: readonly Token[] = [
  { name: 'color-primary', kind: 'color' },
  { name: 'color-on-primary', kind: 'color' },
  { name: 'color-background', kind: 'color' },
  { name: 'color-surface', kind: 'color' },
  { name: 'color-text', kind: 'color' },
  { name: 'color-muted', kind: 'color' },
  { name: 'color-border', kind: 'color' },
  { name: 'color-danger', kind: 'color' },
  { name: 'color-success', kind: 'color' },
  { name: 'radius', kind: 'length' },
  { name: 'spacing', kind: 'length' },
  { name: 'padding', kind: 'length' },
  { name: 'font-size', kind: 'length' },
  { name: 'qr-size', kind: 'length' },
  { name: 'font-family', kind: 'font' },
];

/** The custom property a token is read from in a theme: the dark look reads `--haipay-dark-color-*`. */
export function tokenName(token: Token, theme: string): string {
  return theme === 'dark' && token.kind === 'color'
    ? `--haipay-dark-${token.name}`
    : `--haipay-${token.name}`;
}
