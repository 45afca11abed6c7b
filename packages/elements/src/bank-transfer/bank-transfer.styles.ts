import { css } from 'lit';

// Compact: see shared/styles.ts.
// prettier-ignore
export const bankTransferStyles = css`
[part~=bank]{display:flex;align-items:center;gap:12px}
[part~=logo]{width:44px;height:44px;flex:none}
dl{display:grid;gap:8px;margin:0}
.row{display:grid;gap:4px;padding:8px 0;border-top:1px solid var(--_border)}
dt{font-size:.9em;color:var(--_muted)}
dd{display:flex;align-items:center;justify-content:space-between;gap:12px;margin:0}
dd span{font-size:1.15em;font-weight:600;font-variant-numeric:tabular-nums}
#account-number{white-space:nowrap}
`;
