import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves the built files at /admin/ (service/src/transport/admin-ui-static.ts).
// `npm run dev -w @openoig/admin-ui` serves them from source and passes /api to a running
// gateway (OIG_GATEWAY_URL, default the `npm start` one).
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
  server: { proxy: { '/api': process.env.OIG_GATEWAY_URL ?? 'http://127.0.0.1:8080' } },
});
