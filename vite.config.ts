import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const serverPort = Number(process.env.PORT ?? 8080);

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [
    vue(),
    // 网格通 installs from /m as an app; the service worker keeps the app shell so the phone
    // opens without signal. Data never comes from its cache: the API, photos and streams always
    // go to the server (the outbox in IndexedDB is what works offline).
    VitePWA({
      registerType: 'autoUpdate',
      // Registered by the phone's screen alone (MobileView.vue, from a bundled module: the
      // Content-Security-Policy allows no inline script), for /m alone: a wall or a desk has no
      // use for an offline shell, and must never be served an old build from a cache.
      injectRegister: false,
      scope: '/m',
      manifest: {
        name: '城市大脑·网格通',
        short_name: '网格通',
        description: '网格员与巡逻队的上报、任务与轨迹',
        lang: 'zh-CN',
        start_url: '/m',
        scope: '/m',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#14407f',
        background_color: '#f1f4f9',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell: every built script (MapLibre's worker is .mjs), style and page; the
        // manifest and its icons are added by the plugin.
        globPatterns: ['**/*.{js,mjs,css,html}'],
        // MapLibre's chunk is over workbox's 2 MiB default; without it the phone's map is gone.
        maximumFileSizeToCacheInBytes: 4 * 2 ** 20,
        navigateFallback: '/index.html',
        // Server paths are never answered with the shell: they are data, streams and files.
        navigateFallbackDenylist: [
          /^\/api\//,
          /^\/streams\//,
          /^\/socket\.io\//,
          /^\/files\//,
          /^\/basemap\//,
          /^\/metrics/,
        ],
        // Nothing at run time: no API answer, photo or stream segment is ever cached.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // In `vite` dev mode the Node server answers the API, the socket and the fixtures.
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/basemap': `http://127.0.0.1:${serverPort}`,
      '/socket.io': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
  test: {
    root: repoRoot,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['{shared,server,fixtures,web}/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.alone.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // A test that judges a picture's delay in real time (`*.alone.test.ts`) runs after the
        // rest has finished, one file at a time: beside other Chromium files on two cores its
        // figure measures the neighbours, not the product.
        extends: true,
        test: {
          name: 'alone',
          include: ['tests/**/*.alone.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
