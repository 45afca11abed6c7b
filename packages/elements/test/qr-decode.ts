/**
 * A small, independent QR decoder for tests: reads the module matrix back out of the rendered SVG and
 * decodes it the way a scanner would after sampling — format information (BCH-checked, both copies),
 * unmasking, codeword placement, block de-interleaving, a Reed–Solomon check of every block, and the
 * numeric / alphanumeric / byte segments. It shares no code with the encoder (src/qr/encoder.ts); the block tables
 * are the ISO/IEC 18004 table 9 values. What it does not prove: that a camera can read the code at
 * the printed size (no image sampling, no error *correction* — a single wrong module fails the test).
 */

/** Rebuilds the matrix from `<path d="Mx yhNv1h-Nz…">` drawn on a `size`×`size` grid. */
export function matrixFromPath(d: string, size: number): boolean[][] {
  const m = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(w); i++) m[Number(y)]![Number(x) + i] = true;
  }
  return m;
}

const ECC_PER_BLOCK: Record<string, number[]> = {
  L: [
    -1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  M: [
    -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  ],
  Q: [
    -1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30,
    28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  H: [
    -1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
};
const NUM_BLOCKS: Record<string, number[]> = {
  L: [
    -1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16,
    17, 18, 19, 19, 20, 21, 22, 24, 25,
  ],
  M: [
    -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28,
    29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
  ],
  Q: [
    -1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35,
    38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
  ],
  H: [
    -1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42,
    45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
  ],
};
const ECL_BY_BITS = ['M', 'L', 'H', 'Q'] as const;

function formatCodeword(data: number): number {
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

function alignmentPositions(ver: number): number[] {
  if (ver === 1) return [];
  const n = Math.floor(ver / 7) + 2;
  const step = ver === 32 ? 26 : Math.ceil((ver * 4 + 4) / (n * 2 - 2)) * 2;
  const out = [6];
  for (let pos = ver * 4 + 10; out.length < n; pos -= step) out.splice(1, 0, pos);
  return out;
}

function functionMask(ver: number, size: number): boolean[][] {
  const f = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const mark = (x0: number, y0: number, w: number, h: number): void => {
    for (let y = y0; y < y0 + h; y++)
      for (let x = x0; x < x0 + w; x++) if (x >= 0 && y >= 0 && x < size && y < size) f[y]![x] = true;
  };
  mark(0, 0, 9, 9); // finder, separator, format
  mark(size - 8, 0, 8, 9);
  mark(0, size - 8, 9, 8);
  mark(0, 6, size, 1); // timing
  mark(6, 0, 1, size);
  const pos = alignmentPositions(ver);
  const last = pos.length - 1;
  pos.forEach((px, i) =>
    pos.forEach((py, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      mark(px - 2, py - 2, 5, 5);
    }),
  );
  if (ver >= 7) {
    mark(size - 11, 0, 3, 6);
    mark(0, size - 11, 6, 3);
  }
  return f;
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

// GF(256) with the QR polynomial 0x11d, for the Reed–Solomon check.
function gfMul(a: number, b: number): number {
  let r = 0;
  for (let i = 7; i >= 0; i--) {
    r = (r << 1) ^ ((r >>> 7) * 0x11d);
    r ^= ((b >>> i) & 1) * a;
  }
  return r;
}
function rsRemainder(data: number[], degree: number): number[] {
  const gen = Array<number>(degree).fill(0);
  gen[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      gen[j] = gfMul(gen[j]!, root);
      if (j + 1 < degree) gen[j] = gen[j]! ^ gen[j + 1]!;
    }
    root = gfMul(root, 2);
  }
  const out = Array<number>(degree).fill(0);
  for (const b of data) {
    const factor = b ^ out.shift()!;
    out.push(0);
    gen.forEach((g, i) => (out[i] = out[i]! ^ gfMul(g, factor)));
  }
  return out;
}

export interface Decoded {
  text: string;
  version: number;
  ecc: 'L' | 'M' | 'Q' | 'H';
  mask: number;
}

export function decodeQr(m: boolean[][]): Decoded {
  const size = m.length;
  const ver = (size - 17) / 4;
  if (!Number.isInteger(ver) || ver < 1 || ver > 40) throw new Error(`bad size ${size}`);
  const at = (x: number, y: number): number => (m[y]![x] ? 1 : 0);
  // Format information, copy 1 (around the top-left finder) and copy 2 (split top-right / bottom-left).
  let f1 = 0;
  let f2 = 0;
  for (let i = 0; i <= 5; i++) f1 |= at(8, i) << i;
  f1 |= at(8, 7) << 6;
  f1 |= at(8, 8) << 7;
  f1 |= at(7, 8) << 8;
  for (let i = 9; i < 15; i++) f1 |= at(14 - i, 8) << i;
  for (let i = 0; i < 8; i++) f2 |= at(size - 1 - i, 8) << i;
  for (let i = 8; i < 15; i++) f2 |= at(8, size - 15 + i) << i;
  if (f1 !== f2) throw new Error('format information copies disagree');
  let data = -1;
  for (let d = 0; d < 32; d++) if (formatCodeword(d) === f1) data = d;
  if (data < 0) throw new Error('format information fails its BCH check');
  const ecc = ECL_BY_BITS[data >> 3]!;
  const mask = data & 7;
  if (!at(8, size - 8)) throw new Error('dark module missing');

  // Codewords in placement order (two-column zig-zag from the bottom right), unmasked.
  const fn = functionMask(ver, size);
  const bits: number[] = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? size - 1 - vert : vert;
        if (fn[y]![x]) continue;
        bits.push(at(x, y) ^ (MASKS[mask]!(x, y) ? 1 : 0));
      }
    }
  }
  const raw: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8)
    raw.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));

  const numBlocks = NUM_BLOCKS[ecc]![ver]!;
  const eccLen = ECC_PER_BLOCK[ecc]![ver]!;
  const numShort = numBlocks - (raw.length % numBlocks);
  const shortLen = Math.floor(raw.length / numBlocks);
  const k = shortLen - eccLen;
  const blocks: number[][] = Array.from({ length: numBlocks }, () => []);
  let p = 0;
  for (let i = 0; i <= shortLen; i++) {
    for (let j = 0; j < numBlocks; j++) {
      // Short blocks have one data byte fewer: the encoder pads them at index k and skips the pad.
      if (i === k && j < numShort) blocks[j]!.push(-1);
      else blocks[j]!.push(raw[p++]!);
    }
  }
  const dataBytes: number[] = [];
  blocks.forEach((block, j) => {
    const b = j < numShort ? block.filter((_, i) => i !== k) : block;
    const dlen = j < numShort ? k : k + 1;
    const d = b.slice(0, dlen);
    const e = b.slice(dlen, dlen + eccLen);
    if (rsRemainder(d, eccLen).join() !== e.join())
      throw new Error(`Reed–Solomon check failed in block ${j}`);
    dataBytes.push(...d);
  });

  // Segments.
  const stream = dataBytes.flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (b >> i) & 1));
  let pos = 0;
  const read = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | (stream[pos++] ?? 0);
    return v;
  };
  const group = ver <= 9 ? 0 : ver <= 26 ? 1 : 2;
  const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  let text = '';
  while (pos + 4 <= stream.length) {
    const mode = read(4);
    if (mode === 0) break;
    if (mode === 1) {
      let n = read([10, 12, 14][group]!);
      for (; n >= 3; n -= 3) text += String(read(10)).padStart(3, '0');
      if (n === 2) text += String(read(7)).padStart(2, '0');
      if (n === 1) text += String(read(4));
    } else if (mode === 2) {
      let n = read([9, 11, 13][group]!);
      for (; n >= 2; n -= 2) {
        const v = read(11);
        text += ALNUM[Math.floor(v / 45)]! + ALNUM[v % 45]!;
      }
      if (n === 1) text += ALNUM[read(6)]!;
    } else if (mode === 4) {
      const n = read([8, 16, 16][group]!);
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = read(8);
      text += new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } else {
      throw new Error(`unsupported mode ${mode}`);
    }
  }
  return { text, version: ver, ecc, mask };
}
