import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

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

/**
 * Clicks and waits for the POST it sends. On a loaded machine a click can land on a button
 * that is being re-rendered and be lost; when nothing was sent and nothing is loading, the
 * person would click again, and so does the test.
 */
export async function sent(page: Page, matches: (path: string) => boolean, trigger: () => Promise<void>, what: string) {
  for (let attempt = 0; ; attempt++) {
    const response = page.waitForResponse((x) => x.request().method() === 'POST' && matches(new URL(x.url()).pathname), {
      timeout: attempt < 2 ? 10_000 : 30_000,
    });
    await trigger();
    try {
      const res = await response;
      expect(res.ok(), `${what}: ${res.status()} ${await res.text()}`).toBe(true);
      return;
    } catch (e) {
      if (attempt >= 2 || !(e instanceof Error) || e.name !== 'TimeoutError') throw e;
      if (await page.locator('.ant-btn-loading').count()) throw e;
    }
  }
}
