import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app is served by Lexbridge itself (packages/server/src/http/web-app.ts) from dist/. During
// development `npm run dev -w packages/web` proxies the API to a running `npm start`.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/signin-oidc': 'http://localhost:8080',
    },
  },
});
