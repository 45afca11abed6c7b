/** Types for size.mjs, which the root benchmark (bench/elements.ts) imports to measure the same way. */

/** One entry built with code splitting: its initial code (entry + static imports) and its lazy chunks. */
export function measure(entry: string): Promise<{
  /** Gzipped bytes (level 9) of the initial code. */
  gzip: number;
  /** Minified bytes of the initial code. */
  min: number;
  /** Chunks loaded later (Thai and Chinese strings), gzipped. */
  lazy: { name: string; gzip: number }[];
}>;
