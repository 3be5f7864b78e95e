/**
 * Builds the console into dist/, which Ward serves at `/` (src/http/plugins/console.ts). In
 * development, `npm run dev -w console` proxies /api to a Ward started with `ward up` on its
 * default port, so the session cookie stays same-origin.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig(({ command }) => {
  // A build is always React's production build: the test set-up builds from inside vitest, whose
  // NODE_ENV=test would otherwise ship React's development build (514 kB instead of 324 kB).
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    plugins: [react()],
    build: { outDir: 'dist', emptyOutDir: true },
    server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  };
});
