import { existsSync, statSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, screenshotPath } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

async function signIn(browser: Browser, srv: TestServer, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${srv.url}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
  return { context, page };
}

describeEachDb('live service-center queue in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it("service center: a request created in one page shows up in a second page's queue within 2 seconds without reload", async () => {
    // Page B: the receptionist's service-center board.
    const b = await signIn(browser, srv, 'qiantai');
    const errorsB: string[] = [];
    b.page.on('pageerror', (e) => errorsB.push(e.message));
    await b.page.goto(`${srv.url}/queue?scope=center`);
    await b.page.locator('[data-testid="queue-live"][data-state="connected"]').waitFor({ timeout: 10_000 });
    let navigations = 0;
    b.page.on('framenavigated', (f) => {
      if (f === b.page.mainFrame()) navigations++;
    });
    // A reload would lose this: it proves the row arrived in the same document.
    await b.page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    // Page A: the supervisor, in another browser context, registers a repair through the API
    // the console itself uses (session cookie + CSRF header).
    const a = await signIn(browser, srv, 'kefuzhuguan');
    const created = await a.page.evaluate(async () => {
      const me = await (await fetch('/api/auth/me')).json();
      const res = await fetch('/api/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({
          projectId: me.projectIds[0],
          kind: 'repair',
          channel: 'phone',
          requesterName: '周先生',
          requesterPhone: '13700001111',
          location: '5 栋 2 单元电梯厅',
          content: '电梯厅顶灯不亮',
          readBackConfirmed: true,
        }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(created.status).toBe(201);
    const number = created.body.number as string;
    expect(number).toMatch(/^BX-\d{4}-\d{4}$/);

    // The promise of the board (R-SLA-5): the new row is on screen within 2 s of the write.
    await b.page.locator(`[data-testid="queue-row"][data-number="${number}"]`).waitFor({ state: 'visible', timeout: 2000 });
    expect(navigations).toBe(0);
    expect(await b.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    const row = await b.page.locator(`[data-testid="queue-row"][data-number="${number}"]`).innerText();
    expect(row).toContain('电梯厅顶灯不亮');
    expect(row).toContain('周先生');

    const shot = screenshotPath('live-queue', dialect);
    await b.page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    expect(statSync(shot).size).toBeGreaterThan(0);
    expect(errorsB).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
