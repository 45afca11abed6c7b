/**
 * Banks `<haipay-bank-transfer>` can name and draw, by HaiPay `bankCode`: Thai banks (reference §4.3 code
 * list, `TMB` = TTB, `LHB`/`LHFG`) and the Vietnamese banks the sandbox uses. The logo is a monogram in
 * the bank's colours, drawn inline — no external images, so it works under a strict CSP.
 */
export interface BankInfo {
  name: string;
  /** Monogram letters (1–4). */
  mark: string;
  /** Background and text colour of the monogram. */
  bg: string;
  fg: string;
}

const b = (name: string, mark: string, bg: string, fg = '#ffffff'): BankInfo => ({ name, mark, bg, fg });

export const BANKS: Readonly<Record<string, BankInfo>> = {
  // Thailand
  KBANK: b('Kasikornbank', 'K', '#138f2d'),
  SCB: b('Siam Commercial Bank', 'SCB', '#4e2e7f'),
  BBL: b('Bangkok Bank', 'BBL', '#1e4598'),
  KTB: b('Krungthai Bank', 'KTB', '#00a4e4', '#0b2545'),
  BAY: b('Bank of Ayudhya (Krungsri)', 'BAY', '#fec43b', '#5a4a42'),
  TTB: b('TMBThanachart Bank', 'ttb', '#0050f0'),
  TMB: b('TMBThanachart Bank', 'ttb', '#0050f0'),
  GSB: b('Government Savings Bank', 'GSB', '#eb198d'),
  UOB: b('UOB Thailand', 'UOB', '#0b3979'),
  CIMB: b('CIMB Thai', 'CIMB', '#7e2f36'),
  KKP: b('Kiatnakin Phatra Bank', 'KKP', '#635f98'),
  TISCO: b('TISCO Bank', 'TSC', '#12549f'),
  LHB: b('Land and Houses Bank', 'LH', '#6d6e71'),
  LHFG: b('Land and Houses Bank', 'LH', '#6d6e71'),
  BAAC: b('Bank for Agriculture and Agricultural Cooperatives', 'BAAC', '#4b9b1d'),
  GHB: b('Government Housing Bank', 'GHB', '#f57d23', '#1f1f1f'),
  // Vietnam
  VCB: b('Vietcombank', 'VCB', '#006b3f'),
  TCB: b('Techcombank', 'TCB', '#e31837'),
  MB: b('MB Bank', 'MB', '#1e3f8a'),
  ACB: b('Asia Commercial Bank', 'ACB', '#0057a8'),
  BIDV: b('BIDV', 'BIDV', '#006b68'),
  VPB: b('VPBank', 'VPB', '#00884a'),
  TPB: b('TPBank', 'TPB', '#5e2e86'),
  VTB: b('VietinBank', 'VTB', '#004b8d'),
  CTG: b('VietinBank', 'VTB', '#004b8d'),
  STB: b('Sacombank', 'STB', '#0066b3'),
  AGRIBANK: b('Agribank', 'AGR', '#ae1c3f'),
  VIB: b('VIB', 'VIB', '#f7941e', '#1f1f1f'),
  SHB: b('SHB', 'SHB', '#f47920', '#1f1f1f'),
  HDB: b('HDBank', 'HDB', '#e30613'),
  MSB: b('MSB', 'MSB', '#e2231a'),
  OCB: b('OCB', 'OCB', '#00854a'),
};

/** The bank for a code; unknown codes (and `THB_VA`-style virtual accounts) get a neutral monogram. */
export function bankInfo(code: string | undefined, name?: string): BankInfo {
  const key = (code ?? '').toUpperCase();
  const known = BANKS[key];
  if (known) return name ? { ...known, name } : known;
  const mark =
    (name ?? key)
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 3)
      .toUpperCase() || '¤';
  return {
    name: name || key || 'Bank',
    mark: key.endsWith('_VA') ? 'VA' : mark,
    bg: '#57606a',
    fg: '#ffffff',
  };
}

/**
 * Groups an account number for reading aloud and copying by eye: Thai 10-digit accounts as
 * `xxx-x-xxxxx-x` (the banks' own printed format), anything else in groups of four.
 */
export function groupAccount(number: string): string {
  const d = number.replace(/[\s-]/g, '');
  if (/^\d{10}$/.test(d)) return `${d.slice(0, 3)}-${d.slice(3, 4)}-${d.slice(4, 9)}-${d.slice(9)}`;
  return d.replace(/(.{4})(?=.)/g, '$1 ');
}
