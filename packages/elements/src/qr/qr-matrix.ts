/** A module matrix (`encodeQr`'s result fits). */
export interface QrMatrix {
  size: number;
  /** `modules[y][x]` is true for a dark module. */
  modules: boolean[][];
}

/**
 * One SVG path for all dark modules (a horizontal run becomes one rectangle) — far smaller in the DOM
 * than a `<rect>` per module and fast to render.
 */
export function qrPath({ modules }: QrMatrix): string {
  let d = '';
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      d += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  return d;
}
