import { expect, fixture, html } from '@open-wc/testing';
import '../src/qr/qr.register.js';
import { encodeQr } from '../src/qr/encoder.js';
import { qrPath } from '../src/qr/qr-matrix.js';
import { decodeQr, matrixFromPath } from './qr-decode.js';
import { PROMPTPAY_PAYLOAD } from './helpers.js';

/** "HELLO WORLD" at 1-M (alphanumeric, mask 0), as drawn by an independent encoder (uqr 0.1, Nayuki's algorithm). */
const HELLO_WORLD_1M = [
  '111111100010101111111',
  '100000101110001000001',
  '101110100010101011101',
  '101110100010101011101',
  '101110101011101011101',
  '100000100111001000001',
  '111111101010101111111',
  '000000000000000000000',
  '101010100100100010010',
  '011110001001000010001',
  '000111111101001011000',
  '111101011001110101110',
  '010011110101001110101',
  '000000001010001000101',
  '111111100000100101100',
  '100000100110001101000',
  '101110101100101111111',
  '101110100011010100010',
  '101110101111011101001',
  '100000100001110001011',
  '111111101101011100001',
];

/** Reads both version-information blocks (versions 7+) and checks them against BCH(18,6). */
function versionInfo(m: boolean[][]): number {
  const size = m.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < 18; i++) {
    a |= (m[Math.floor(i / 3)]![size - 11 + (i % 3)] ? 1 : 0) << i;
    b |= (m[size - 11 + (i % 3)]![Math.floor(i / 3)] ? 1 : 0) << i;
  }
  expect(a, 'both version blocks agree').to.equal(b);
  const ver = a >> 12;
  let rem = ver;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >> 11) * 0x1f25);
  expect(a & 0xfff, 'version BCH remainder').to.equal(rem & 0xfff);
  return ver;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const alnum = (n: number): string => Array.from({ length: n }, (_, i) => ALNUM[(i * 7 + 3) % 45]).join('');
const bytes = (n: number): string => Array.from({ length: n }, (_, i) => 'abcxyz0123~'[i % 11]).join('');

describe('QR encoder (src/qr/encoder.ts)', () => {
  it('is accessible: a large symbol (200-character payload, bytes) drawn by <haipay-qr> is one labelled image', async () => {
    const payload = `${PROMPTPAY_PAYLOAD}|${'Saeng Coffee Roasters, order 7Qm2 '.repeat(6)}`.slice(0, 200);
    const el = await fixture(html`<haipay-qr payload=${payload} amount="100.00"></haipay-qr>`);
    await expect(el).to.be.accessible();
    const svg = el.shadowRoot!.querySelector('svg[part~="qr"]')!;
    expect(encodeQr(payload).version).to.be.greaterThan(7);
    expect(Number(svg.getAttribute('data-size'))).to.equal(encodeQr(payload).size);
  });

  it('matches a reference symbol bit for bit', () => {
    const code = encodeQr('HELLO WORLD');
    expect([code.version, code.mask, code.size]).to.deep.equal([1, 0, 21]);
    expect(code.modules.map((r) => r.map((d) => (d ? '1' : '0')).join(''))).to.deep.equal(HELLO_WORLD_1M);
  });

  it('picks the smallest version at level M, alphanumeric when it can, and decodes at every version', () => {
    // [payload, expected version]: the alphanumeric and byte capacities of 1-M … 13-M, each at its edge.
    const cases: [string, number][] = [
      [alnum(20), 1],
      [alnum(21), 2],
      [alnum(154), 6],
      [alnum(155), 7],
      [alnum(202), 8],
      [PROMPTPAY_PAYLOAD, 4],
      [bytes(14), 1],
      [bytes(15), 2],
      [bytes(106), 6],
      [bytes(107), 7],
      [bytes(213), 10],
      [bytes(214), 11],
      [bytes(331), 13],
      ['promptpay://ชำระเงิน?amount=100.00', 4],
    ];
    for (const [payload, version] of cases) {
      const code = encodeQr(payload);
      expect(code.version, `version for ${payload.length} characters`).to.equal(version);
      expect(code.size).to.equal(version * 4 + 17);
      const decoded = decodeQr(code.modules);
      expect(decoded.text).to.equal(payload);
      expect(decoded.ecc).to.equal('M');
      expect(decoded.version).to.equal(version);
      expect(decoded.mask).to.equal(code.mask);
      if (version >= 7) expect(versionInfo(code.modules)).to.equal(version);
    }
  });

  it('decodes with every one of the eight masks, and picks the lowest-penalty mask by default', () => {
    const payload = ('00020101021230' + '0123456789'.repeat(20)).slice(0, 196) + '6304';
    const chosen = new Set<number>();
    for (let mask = 0; mask < 8; mask++) {
      for (const p of [payload, 'ราคา 100.00 บาท', bytes(60)]) {
        const code = encodeQr(p, mask);
        expect(code.mask).to.equal(mask);
        const decoded = decodeQr(code.modules);
        expect(decoded.mask).to.equal(mask);
        expect(decoded.text).to.equal(p);
      }
      chosen.add(encodeQr(alnum(10 + mask * 30)).mask);
    }
    expect(chosen.size, 'different payloads choose different masks').to.be.greaterThan(2);
  });

  it('rejects a payload beyond version 20', () => {
    expect(() => encodeQr(bytes(667))).to.throw(RangeError);
    expect(encodeQr(bytes(666)).version).to.equal(20);
  });

  it('draws the matrix as one SVG path that round-trips', () => {
    const matrix = encodeQr(PROMPTPAY_PAYLOAD);
    expect(decodeQr(matrixFromPath(qrPath(matrix), matrix.size)).text).to.equal(PROMPTPAY_PAYLOAD);
  });
});
