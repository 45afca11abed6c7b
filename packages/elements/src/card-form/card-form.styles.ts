import { css } from 'lit';

export const cardFormStyles = css`
  form {
    display: grid;
    gap: var(--_gap);
    margin: 0;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  .row {
    display: grid;
    grid-template-columns: repeat(3, minmax(0, 1fr));
    gap: var(--_gap);
  }
  label {
    font-weight: 600;
    font-size: 0.9em;
  }
  input {
    font: inherit;
    /* At least 16px so iOS Safari does not zoom into the field. */
    font-size: max(16px, 1em);
    width: 100%;
    min-height: 44px;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  .card-line {
    position: relative;
  }
  [part~='brand'] {
    font-size: 0.85em;
    font-weight: 700;
    min-height: 1.2em;
  }
  .error {
    font-size: 0.9em;
    margin: 0;
  }
  .error:empty {
    display: none;
  }
  [part~='submit-button'] {
    width: 100%;
  }
`;
