// Dashboard build: `vite build --config web/vite.config.ts` → web/dist (served by `colossus twin` at /).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:7460' } },
});
