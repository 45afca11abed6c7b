/**
 * The card form's one expiry field, `MM / YY`. The shopper types or pastes in any common shape; the wire
 * takes `expiryMonth` `"MM"` and `expiryYear` `"YYYY"` (docs/protocol.md, card apply), which `expiryParts`
 * returns for `validateExpiry` and the request.
 */

/**
 * Formats what is in the field as `MM / YY`. `deleting`: the shopper pressed Backspace or Delete, so the
 * ` / ` the field added after the month is not put back (from `12 / ` one Backspace leaves `12`).
 * Typing `1` then `2` gives `12 / `; a first digit 2–9, or one digit before a `/`, is a month on its
 * own (`4` → `04 / `); a pasted `12/29`, `1229`, `12/2029` or `12 / 2029` all give `12 / 29`.
 */
export function formatExpiry(value: string, deleting: boolean): string {
  const [before = '', after] = value.split('/');
  let month = before.replace(/\D/g, '');
  let year = after?.replace(/\D/g, '') ?? month.slice(2);
  month = month.slice(0, 2);
  if (/^[2-9]$/.test(month) || (month.length == 1 && after !== undefined && !deleting)) month = `0${month}`;
  // A four-digit year (`2029`) is kept as its last two digits.
  year = (year.length > 3 ? year.slice(2) : year).slice(0, 2);
  return month.length < 2 || (deleting && !year) ? month : `${month} / ${year}`;
}

/** The wire's `["MM", "YYYY"]` from the field (`["", ""]` parts where nothing was typed). */
export function expiryParts(value: string): [month: string, year: string] {
  const [month = '', year = ''] = value.split(' / ');
  return [month, year && `20${year}`];
}
