/**
 * A compact QR Code Model 2 encoder (ISO/IEC 18004) for PromptPay payloads: one segment in
 * alphanumeric mode when the payload allows it (EMVCo PromptPay payloads do), otherwise byte mode
 * (UTF-8); error correction level M; versions 1–20 (up to 666 bytes or 970 alphanumeric characters at
 * M); Reed–Solomon over GF(256), mask chosen by the standard penalty score, format and version
 * information with their BCH codes.
 */

export interface QrCode {
  /** Modules per side (`4 × version + 17`), without quiet zone. */
  size: number;
  version: number;
  mask: number;
  /** `modules[y][x]` is true for a dark module. */
  modules: boolean[][];
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
/** Level M, versions 1–20: error-correction codewords per block, and the number of blocks. */
const ECC_PER_BLOCK = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26];
const BLOCKS = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16];

/** Codewords (data + ECC) that fit in a version, after the function patterns. */
function rawCodewords(ver: number): number {
  let bits = (16 * ver + 128) * ver + 64;
  if (ver > 1) {
    const n = Math.floor(ver / 7) + 2;
    bits -= (25 * n - 10) * n - 55;
    if (ver > 6) bits -= 36;
  }
  return bits >> 3;
}

/** Centre coordinates of the alignment patterns (same list for rows and columns). */
function alignment(ver: number): number[] {
  if (ver < 2) return [];
  const n = Math.floor(ver / 7) + 2;
  const step = Math.ceil((ver * 4 + 4) / (n * 2 - 2)) * 2;
  const out = [6];
  for (let pos = ver * 4 + 10; out.length < n; pos -= step) out.splice(1, 0, pos);
  return out;
}

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11d). */
function gfMul(a: number, b: number): number {
  let r = 0;
  for (let i = 7; i >= 0; i--) {
    r = (r << 1) ^ ((r >> 7) * 0x11d);
    r ^= ((b >> i) & 1) * a;
  }
  return r;
}

/** Reed–Solomon remainder of `data` for `degree` error-correction codewords. */
function reedSolomon(data: number[], degree: number): number[] {
  // Generator (x − α^0)(x − α^1)…(x − α^(degree−1)), leading coefficient dropped.
  const gen = Array<number>(degree).fill(0);
  gen[degree - 1] = 1;
  for (let i = 0, root = 1; i < degree; i++, root = gfMul(root, 2)) {
    for (let j = 0; j < degree; j++) gen[j] = gfMul(gen[j]!, root) ^ (gen[j + 1] ?? 0);
  }
  const out = Array<number>(degree).fill(0);
  for (const b of data) {
    const factor = b ^ out.shift()!;
    out.push(0);
    for (let j = 0; j < degree; j++) out[j]! ^= gfMul(gen[j]!, factor);
  }
  return out;
}

/** The 15-bit format information (ECC level, mask, BCH(15,5), XOR mask). */
function formatBits(mask: number): number {
  const data = mask; // level M's two bits are 00
  let r = data;
  for (let i = 0; i < 10; i++) r = (r << 1) ^ ((r >> 9) * 0x537);
  return ((data << 10) | r) ^ 0x5412;
}

const MASKS: ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** Penalty rules 1 (runs of 5+) and 3 (finder-like 1:1:3:1:1 with 4 light modules on a side) for one line. */
function linePenalty(line: boolean[]): number {
  // Run lengths, alternating light/dark, starting with a (possibly empty) light run.
  const runs = [0];
  let dark = false;
  for (const d of line) {
    if (d !== dark) {
      runs.push(0);
      dark = d;
    }
    runs[runs.length - 1]!++;
  }
  let p = 0;
  for (const r of runs) if (r > 4) p += r - 2;
  if (dark) runs.push(0);
  // The quiet zone is light: extend both edge runs.
  runs[0]! += line.length;
  runs[runs.length - 1]! += line.length;
  for (let i = 3; i + 3 < runs.length; i += 2) {
    const n = runs[i - 2]!;
    if (runs[i - 1] === n && runs[i] === 3 * n && runs[i + 1] === n && runs[i + 2] === n) {
      const before = runs[i - 3]!;
      const after = runs[i + 3]!;
      p += 40 * (+(before >= 4 * n && after >= n) + +(after >= 4 * n && before >= n));
    }
  }
  return p;
}

function penalty(m: boolean[][]): number {
  const size = m.length;
  let p = 0;
  let dark = 0;
  for (let y = 0; y < size; y++) {
    p += linePenalty(m[y]!) + linePenalty(m.map((row) => row[y]!));
    for (let x = 0; x < size; x++) {
      const c = m[y]![x]!;
      dark += +c;
      if (x && y && c === m[y]![x - 1] && c === m[y - 1]![x] && c === m[y - 1]![x - 1]) p += 3;
    }
  }
  const total = size * size;
  return p + 10 * (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1);
}

/**
 * Encodes `text` as a QR code at ECC level M in the smallest version that holds it. `mask` forces a
 * mask pattern (0–7); by default the one with the lowest penalty is used.
 * @throws RangeError when the payload does not fit in version 20.
 */
export function encodeQr(text: string, mask = -1): QrCode {
  const alnum = /^[0-9A-Z $%*+./:-]*$/.test(text);
  const bytes = alnum ? [] : [...new TextEncoder().encode(text)];
  const count = alnum ? text.length : bytes.length;

  // Smallest version whose data capacity holds mode + count + data.
  let ver = 0;
  let capacity: number;
  let countBits: number;
  do {
    if (++ver > BLOCKS.length) throw new RangeError('QR payload too long');
    countBits = alnum ? (ver < 10 ? 9 : 11) : ver < 10 ? 8 : 16;
    capacity = (rawCodewords(ver) - ECC_PER_BLOCK[ver - 1]! * BLOCKS[ver - 1]!) * 8;
  } while (4 + countBits + (alnum ? 11 * (count >> 1) + 6 * (count & 1) : 8 * count) > capacity);

  // Bit stream: mode, character count, data, terminator, byte padding, pad codewords.
  let bits = '';
  const put = (value: number, n: number): void => {
    bits += (value + 2 ** n).toString(2).slice(1);
  };
  put(alnum ? 2 : 4, 4);
  put(count, countBits);
  if (alnum) {
    for (let i = 0; i < count; i += 2) {
      const a = ALNUM.indexOf(text[i]!);
      if (i + 1 < count) put(a * 45 + ALNUM.indexOf(text[i + 1]!), 11);
      else put(a, 6);
    }
  } else for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity - bits.length));
  put(0, -bits.length & 7);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
  const data = bits.match(/.{8}/g)!.map((b) => parseInt(b, 2));

  // Blocks (the last `raw % blocks` are one data codeword longer), ECC, interleaving.
  const numBlocks = BLOCKS[ver - 1]!;
  const eccLen = ECC_PER_BLOCK[ver - 1]!;
  const raw = rawCodewords(ver);
  const shortLen = Math.floor(raw / numBlocks) - eccLen;
  const numShort = numBlocks - (raw % numBlocks);
  const blocks: number[][] = [];
  const eccs: number[][] = [];
  for (let b = 0, at = 0; b < numBlocks; b++) {
    const block = data.slice(at, (at += shortLen + +(b >= numShort)));
    blocks.push(block);
    eccs.push(reedSolomon(block, eccLen));
  }
  // Interleaved codewords, as a bit string (remainder bits read past its end as light).
  bits = '';
  for (let i = 0; i <= shortLen; i++) for (const block of blocks) if (i < block.length) put(block[i]!, 8);
  for (let i = 0; i < eccLen; i++) for (const ecc of eccs) put(ecc[i]!, 8);

  // Function patterns; `fn` marks them so data and masks skip them.
  const size = ver * 4 + 17;
  const base = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const fn = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const set = (m: boolean[][], x: number, y: number, dark: boolean): void => {
    m[y]![x] = dark;
    fn[y]![x] = true;
  };
  for (let i = 0; i < size; i++) {
    set(base, 6, i, i % 2 === 0);
    set(base, i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++)
      for (let dx = -4; dx <= 4; dx++) {
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        const x = cx + dx;
        const y = cy + dy;
        if (x >= 0 && x < size && y >= 0 && y < size) set(base, x, y, d !== 2 && d !== 4);
      }
  }
  const align = alignment(ver);
  const last = align.length - 1;
  align.forEach((cy, i) =>
    align.forEach((cx, j) => {
      if ((i === 0 && (j === 0 || j === last)) || (i === last && j === 0)) return; // finder corners
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++)
          set(base, cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }),
  );
  const drawFormat = (m: boolean[][], mask: number): void => {
    const f = formatBits(mask);
    const bit = (i: number): boolean => ((f >> i) & 1) === 1;
    for (let i = 0; i < 6; i++) set(m, 8, i, bit(i));
    set(m, 8, 7, bit(6));
    set(m, 8, 8, bit(7));
    set(m, 7, 8, bit(8));
    for (let i = 9; i < 15; i++) set(m, 14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) set(m, size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) set(m, 8, size - 15 + i, bit(i));
    set(m, 8, size - 8, true); // the dark module
  };
  drawFormat(base, 0); // reserves the format areas
  if (ver > 6) {
    let r = ver;
    for (let i = 0; i < 12; i++) r = (r << 1) ^ ((r >> 11) * 0x1f25);
    const v = (ver << 12) | r;
    for (let i = 0; i < 18; i++) {
      const dark = ((v >> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(base, a, b, dark);
      set(base, b, a, dark);
    }
  }

  // Codewords in the two-column zig-zag from the bottom right, skipping function modules.
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++)
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = (right + 1) & 2 ? vert : size - 1 - vert;
        if (!fn[y]![x]) base[y]![x] = bits[i++] === '1';
      }
  }

  const masked = (k: number): boolean[][] => {
    const m = base.map((row, y) => row.map((dark, x) => dark !== (!fn[y]![x] && MASKS[k]!(x, y))));
    drawFormat(m, k);
    return m;
  };
  let best = mask;
  if (best < 0) {
    let lowest = Infinity;
    for (let k = 0; k < 8; k++) {
      const score = penalty(masked(k));
      if (score < lowest) [best, lowest] = [k, score];
    }
  }
  return { size, version: ver, mask: best, modules: masked(best) };
}
