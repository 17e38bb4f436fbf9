import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
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
      if (attempt >= 2 && e instanceof Error && e.name === 'TimeoutError') {
        // What the person would see: a screenshot and the form's own messages, for the report.
        await page.screenshot({ path: screenshotPath(`failed-${what}`, 'sqlite') }).catch(() => {});
        const said = await page.locator('.ant-form-item-explain-error, .ant-message-notice').allInnerTexts();
        throw new Error(`${what}: nothing was sent after three clicks; on the page: ${said.join(' / ') || '(no message)'}`, { cause: e });
      }
      if (attempt >= 2 || !(e instanceof Error) || e.name !== 'TimeoutError') throw e;
      if (await page.locator('.ant-btn-loading').count()) throw e;
    }
  }
}

/** Signs in on the login page, optionally going on to `next`. */
export async function signIn(page: Page, url: string, username: string, password: string, next?: string) {
  await page.goto(`${url}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Types a date and time into an antd picker and takes it with the picker's OK, checked and typed again if the panel had not read it yet. */
export async function pickTime(page: Page, picker: Locator, value: string) {
  const panel = page.locator('.ant-picker-dropdown:visible');
  for (let attempt = 0; attempt < 3; attempt++) {
    await picker.click();
    await picker.fill(value);
    await page.locator('.ant-picker-dropdown:visible .ant-picker-ok button').click();
    // Taken only when the panel has closed with the value in the field: on a loaded machine the
    // OK can land before the typed text is read, the panel stays open, and leaving it then
    // (a click elsewhere) would throw the text away. So type and confirm again instead.
    try {
      await panel.waitFor({ state: 'detached', timeout: 5_000 });
    } catch {
      continue;
    }
    if ((await picker.inputValue()) === value) return;
  }
  throw new Error(`the picker did not take ${value}`);
}

/** Picks an option of an antd select in a dialog; under load a click can land while the list still moves, so it checks and tries again. */
export async function chooseOption(page: Page, select: Locator, text: string, search = false) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await select.click();
    if (search) await page.keyboard.type(text);
    const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first();
    await option.waitFor();
    await option.click();
    try {
      await page.locator('.ant-modal .ant-select').filter({ hasText: text }).first().waitFor({ timeout: 3000 });
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`could not choose ${text}`);
}

/** A China-local 'YYYY-MM-DD HH:mm' some hours from now, on a five-minute step, as the console's pickers type it. */
export function chinaPickerTime(hoursFromNow: number): string {
  const d = new Date(Math.ceil((Date.now() + hoursFromNow * 3_600_000) / 300_000) * 300_000 + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Checks a radio or checkbox; under load a click can land while the control re-renders, so it looks and clicks again. */
export async function checkAgain(control: Locator) {
  for (let attempt = 0; attempt < 4; attempt++) {
    await control.click({ force: attempt > 0 });
    if (await control.isChecked()) return;
    await control.page().waitForTimeout(200 * (attempt + 1));
  }
  throw new Error('the control did not take the click');
}

/** A phone's browser (390 × 844, touch) in China's locale and time zone; its context is kept for closing. */
export async function phonePage(browser: Browser, contexts: BrowserContext[]): Promise<Page> {
  const c = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  contexts.push(c);
  return c.newPage();
}

/** A desk's browser (1366 × 900) in China's locale and time zone; its context is kept for closing. */
export async function desktopPage(browser: Browser, contexts: BrowserContext[]): Promise<Page> {
  const c = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(c);
  return c.newPage();
}
