import { css } from 'lit';

// Compact: see shared/styles.ts.
// prettier-ignore
export const qrStyles = css`
[part~=base]{justify-items:center;text-align:center;max-width:var(--haipay-qr-max-width,360px)}
[part~=brand]{display:flex;align-items:center;gap:8px;justify-content:center;width:100%;padding:8px;border-radius:calc(var(--_radius) / 2);background:var(--haipay-qr-brand-background,#113566);color:#fff;font-weight:700;letter-spacing:.02em}
[part~=brand] svg{width:28px;height:28px}
[part~=qr]{width:var(--haipay-qr-size,240px);height:var(--haipay-qr-size,240px);background:#fff;padding:0;border-radius:calc(var(--_radius) / 2)}
.actions{display:flex;flex-wrap:wrap;gap:8px;justify-content:center}
.final{font-size:1.2em}
`;
