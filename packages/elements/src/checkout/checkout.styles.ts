import { css } from 'lit';

// Compact: see shared/styles.ts.
// prettier-ignore
export const checkoutStyles = css`
fieldset{display:grid;gap:8px;margin:0;padding:0;border:0;min-width:0}
legend{font-weight:600;font-size:1.1em;padding:0;margin-bottom:8px}
[part~=method]{display:flex;align-items:center;gap:10px;min-height:44px;padding:8px 12px;border:1px solid var(--_border);border-radius:var(--_radius);cursor:pointer}
[part~=method]:has(:checked){border-color:var(--_primary);box-shadow:inset 0 0 0 1px var(--_primary)}
[part~=method] input{width:20px;height:20px;margin:0;accent-color:var(--_primary)}
[part~=method] input:focus-visible{outline:3px solid var(--_primary);outline-offset:2px}
[part~=method-amount]{margin-left:auto;font-variant-numeric:tabular-nums}
[part~=panel]{display:grid;gap:var(--_gap)}
`;
