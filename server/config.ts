import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

export interface Config {
  dataDir: string;
  databaseUrl: string;
  port: number;
  host: string;
  webDir: string;
  /** How often this node sweeps deadlines and delivers the outbox. */
  sweepMs: number;
  outboxMs: number;
  /** Shared secret of the telephone system's call-event webhook; empty = webhook off. */
  telephonySecret: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || './data');
  const port = Number.parseInt(env.PORT || '3000', 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 无效：${env.PORT}`);
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || join(dataDir, 'wuye.db'),
    port,
    host: env.HOST || '0.0.0.0',
    webDir: join(ROOT, 'dist', 'web'),
    sweepMs: Number.parseInt(env.WUYE_SWEEP_MS || '5000', 10),
    outboxMs: Number.parseInt(env.WUYE_OUTBOX_MS || '3000', 10),
    telephonySecret: env.TELEPHONY_SECRET || '',
  };
}
