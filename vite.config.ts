import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));
const apiTarget = process.env.WUYE_API ?? 'http://localhost:3000';

/**
 * Vendor code is grouped by library so that a release of the app does not
 * invalidate the browser's cache of antd, and no single chunk carries the whole
 * UI kit (antd + react-query + router in one chunk is ~355 kB gzipped). Pages are
 * split by route with React.lazy in web/app/routes.tsx.
 */
const vendorGroups = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 40 },
  { name: 'icons', test: /node_modules[\\/](@ant-design[\\/]icons|@ant-design[\\/]icons-svg)[\\/]/, priority: 35 },
  // One chunk: splitting antd by the pages that use it (entriesAware) produced chunks that
  // import each other in a cycle, and the console failed to start ("X is not a constructor")
  // depending on which pages existed. A single cached chunk is slower to load only once.
  { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[\w-]+|dayjs)[\\/]/, priority: 30 },
  { name: 'router-query', test: /node_modules[\\/](react-router|@tanstack)[\\/]/, priority: 20 },
  { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
];

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    strictPort: true,
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  build: {
    outDir,
    emptyOutDir: true,
    // antd is one chunk (see vendorGroups), cached across releases.
    chunkSizeWarningLimit: 1200,
    target: 'es2022',
    rolldownOptions: {
      onLog(level, log, handler) {
        // antd and react-query mark modules "use client" for server components; irrelevant to a browser bundle.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      output: {
        // entry-aware chunks are named after every page that shares them; the hash is enough
        chunkFileNames: (chunk) => (chunk.name.includes('~') ? `assets/${chunk.name.split('~')[0]}-[hash].js` : 'assets/[name]-[hash].js'),
        codeSplitting: {
          groups: vendorGroups,
        },
      },
    },
  },
});
