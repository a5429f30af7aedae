import { defineConfig } from 'vite';

// The center serves dist/ from its web root at "/", so assets use absolute
// paths under /assets/. `npm run dev` proxies the API to a running center:
// ACTA_CENTER=http://127.0.0.1:8080 npm run dev
const center = process.env.ACTA_CENTER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small JS and one CSS file, plus the observers' page (its QR reader
    // and Ed25519 code) as a chunk loaded on its first visit.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/v1': center,
      '/checkpoint': center,
      '/tile': center,
      '/metrics': center,
    },
  },
});
