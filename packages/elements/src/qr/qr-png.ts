/**
 * "Save QR image": the QR as a PNG. Its own module, loaded when the shopper first presses the button,
 * so every other shopper skips its bytes. It imports only types (a shared import would split common
 * code into one more chunk that every page loads).
 */
import type { QrMatrix } from './qr-matrix.js';

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
