import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The console is served by the API at /console (api/console/), same origin, from console/dist.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every byte is served by the API itself: no CDN, no external font, no source maps shipped.
    sourcemap: false,
    target: 'es2022',
  },
  logLevel: 'warn',
});
