import { css } from 'lit';

// Compact (see shared/styles.ts). `.row .field`: expiry and CVV share label / input / error
// rows (subgrid), so a label that wraps to two lines at a narrow width pushes both inputs down
// together; margins instead of gaps, so an empty (hidden) error row takes no space. Inputs are at least
// 16px so iOS Safari does not zoom into the field.
// prettier-ignore
export const cardFormStyles = css`
form{display:grid;gap:var(--_gap);margin:0}
.field{display:grid;gap:4px}
.row{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));column-gap:var(--_gap)}
.row .field{grid-row:span 3;grid-template-rows:subgrid;gap:0}
.row label{margin-bottom:4px}
.row .error{margin-top:4px}
label{font-weight:600;font-size:.9em}
input{font:inherit;font-size:max(16px,1em);width:100%;min-height:44px;padding:8px 12px;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);color:var(--_fg)}
input:focus-visible{outline:3px solid var(--_primary);outline-offset:2px}
input[aria-invalid=true]{border-color:var(--_danger);border-width:2px}
.in{position:relative}
#cardNumber{padding-right:56px}
[part~=brand]{position:absolute;right:12px;top:50%;width:32px;height:20px;margin-top:-10px}
.error{font-size:.9em;margin:0}
.error:empty{display:none}
[part~=submit-button]{width:100%}
[part~=hosted-note]{margin:0}
`;
