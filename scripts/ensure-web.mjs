#!/usr/bin/env node
// Builds the web console only when its sources changed since the last build, so
// `npm start` and `npm test` stay fast on a warm checkout and correct on a fresh one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist', 'web', 'index.html');
const sources = [join(root, 'web'), join(root, 'vite.config.ts')];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isStale() {
  if (!existsSync(target)) return true;
  const built = statSync(target).mtimeMs;
  return sources.some((p) => newestMtime(p) > built);
}

if (isStale()) {
  console.log('正在构建网页控制台… Building the web console…');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('网页控制台构建失败 The web console build failed');
    process.exit(r.status ?? 1);
  }
}
