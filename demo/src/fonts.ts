/**
 * The shop's self-hosted Thai and Traditional Chinese faces (no font CDN), named as the elements'
 * default font stack expects. Only the Thai and Chinese subsets: Latin text takes the system's own
 * sans-serif, so an English page downloads no font at all. Thai is one subset per weight; Chinese is
 * split into many by `unicode-range`, and a browser downloads a slice only when the page shows one of
 * its characters (the Latin, Cyrillic and Vietnamese slices are left out at build time, vite.config.ts).
 */
import '@fontsource/noto-sans-thai/thai-400.css';
import '@fontsource/noto-sans-thai/thai-600.css';
import '@fontsource/noto-sans-thai/thai-700.css';
import '@fontsource/noto-sans-tc/400.css';
