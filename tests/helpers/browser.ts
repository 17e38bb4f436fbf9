import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `npm test` builds the console first; this keeps a direct `vitest run` of a browser test working too. */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'ensure-web.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

/** Debian's Chromium, headless; without the background-networking flags it keeps dialling out of a closed network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where a journey's screenshot goes: test-results/NAME.png, with the dialect for PostgreSQL runs. */
export function screenshotPath(name: string, dialect: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return join(RESULTS, dialect === 'sqlite' ? `${name}.png` : `${name}-${dialect}.png`);
}
