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

/** Draws the matrix with a 4-module quiet zone onto a canvas and returns a PNG blob. */
export function qrPng({ size, modules }: QrMatrix, scale = 8): Promise<Blob | null> {
  const quiet = 4;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = (size + quiet * 2) * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.resolve(null);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  modules.forEach((row, y) =>
    row.forEach((dark, x) => dark && ctx.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale)),
  );
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}
