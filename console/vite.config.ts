import { defineConfig } from 'vite';

/** The console: built into console/dist, which the gateway serves at / (gateway/console.ts). */
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
});
