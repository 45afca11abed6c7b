/**
 * EMVCo merchant-presented QR payloads (PromptPay for THB, a VietQR-shaped one for VND).
 *
 * docs/protocol.md Appendix A: `ID(2) + length(2) + value` records, a nested bill-payment record in
 * tag 30 carrying the order reference, and a CRC-16/CCITT-FALSE over the whole payload including the
 * literal `6304` that introduces it.
 */

/** CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR. */
export function crc16ccitt(text: string): number {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** One EMV record: two-digit id, two-digit length, value. */
function tlv(id: string, value: string): string {
  if (value.length > 99) throw new RangeError(`EMV value for tag ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** Appends `6304` and the CRC (4 upper-case hex digits) to a payload body. */
function withCrc(body: string): string {
  const head = `${body}6304`;
  return head + crc16ccitt(head).toString(16).toUpperCase().padStart(4, '0');
}

/** Parses EMV records into an ordered map; throws on a malformed record. */
export function parseTlv(payload: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < payload.length) {
    const id = payload.slice(i, i + 2);
    const len = Number(payload.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(id) || !/^\d{2}$/.test(payload.slice(i + 2, i + 4)) || i + 4 + len > payload.length) {
      throw new SyntaxError(`Malformed EMV record at offset ${i}`);
    }
    out.set(id, payload.slice(i + 4, i + 4 + len));
    i += 4 + len;
  }
  return out;
}

/** True when the payload ends with a `6304` CRC record that matches its content. */
export function hasValidCrc(payload: string): boolean {
  if (payload.length < 8 || payload.slice(-8, -4) !== '6304') return false;
  return crc16ccitt(payload.slice(0, -4)).toString(16).toUpperCase().padStart(4, '0') === payload.slice(-4);
}

/** The sandbox's PromptPay biller ID (15 digits: tax ID + suffix), shown in every THB QR. */
const SANDBOX_BILLER_ID = '010555012345601';

/** Inputs for {@link buildQrPayload}. */
export interface QrPayloadInput {
  /** Order reference (platform `orderNo`), carried in tag 30/02 and tag 62/05. */
  reference: string;
  /** Amount text exactly as shown (`"100.00"`). */
  amount: string;
  /** `THB` → PromptPay (`5303764`, `5802TH`); `VND` → VietQR-shaped (`5303704`, `5802VN`). */
  currency: 'THB' | 'VND';
}

/**
 * Builds a dynamic (`010212`) bill-payment QR payload with a valid CRC.
 *
 * @example buildQrPayload({ reference: '6026010112000001', amount: '100.00', currency: 'THB' })
 * // "000201010212305...5303764540610 0.005802TH...6304ABCD"
 */
export function buildQrPayload(input: QrPayloadInput): string {
  const thai = input.currency === 'THB';
  const merchantAccount = thai
    ? tlv('00', 'A000000677010112') +
      tlv('01', SANDBOX_BILLER_ID) +
      tlv('02', input.reference) +
      tlv('03', 'HAIPAYSANDBOX')
    : tlv('00', 'A000000727') +
      tlv('01', tlv('00', '970436') + tlv('01', '0011000000001')) +
      tlv('02', 'QRIBFTTA');
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv(thai ? '30' : '38', merchantAccount) +
    tlv('53', thai ? '764' : '704') +
    tlv('54', input.amount) +
    tlv('58', thai ? 'TH' : 'VN') +
    tlv('59', 'HAIPAY SANDBOX') +
    tlv('60', thai ? 'BANGKOK' : 'HO CHI MINH') +
    tlv('62', tlv('05', input.reference) + tlv('07', 'SANDBOX'));
  return withCrc(body);
}

/** What the bank-app page reads back from a scanned payload. */
export interface ScannedQr {
  reference: string | undefined;
  amount: string | undefined;
  currencyNumeric: string | undefined;
  country: string | undefined;
}

/** Reads reference, amount, currency and country from a payload; throws when the CRC is wrong. */
export function scanQrPayload(payload: string): ScannedQr {
  const text = payload.trim();
  if (!hasValidCrc(text)) throw new SyntaxError('The QR payload CRC does not match (6304 record).');
  const top = parseTlv(text);
  const additional = top.get('62');
  const billPayment = top.get('30');
  const reference =
    (additional ? parseTlv(additional).get('05') : undefined) ??
    (billPayment ? parseTlv(billPayment).get('02') : undefined);
  return { reference, amount: top.get('54'), currencyNumeric: top.get('53'), country: top.get('58') };
}
