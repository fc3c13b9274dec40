// Builds bench/page (the real storage and sync modules, exposed to browser
// tests and benchmarks) into dist/bench/, beside the app, after the app's own
// build so the service worker never precaches it.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'bench/page',
  base: '/bench/',
  publicDir: false,
  build: {
    outDir: '../../dist/bench',
    emptyOutDir: true,
    target: 'es2020',
  },
});
