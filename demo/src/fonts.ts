/**
 * The shop's self-hosted Thai and Traditional Chinese faces (no font CDN), named as the elements'
 * default font stack expects. Each face is split by `unicode-range`, so a browser downloads a subset
 * only when the page shows a character of it.
 */
import '@fontsource/noto-sans-thai/400.css';
import '@fontsource/noto-sans-thai/600.css';
import '@fontsource/noto-sans-thai/700.css';
import '@fontsource/noto-sans-tc/400.css';
