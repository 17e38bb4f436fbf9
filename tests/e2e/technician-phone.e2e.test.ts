import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, screenshotPath, sent } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const HOUR = 3_600_000;

/** A China-time reading of an instant, as the phone's date-time field takes it and the pages show it. */
function chinaReading(ms: number): { field: string; shown: string } {
  const d = new Date(ms + 8 * HOUR);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return { field: `${date}T${time}`, shown: `${date} ${time}` };
}

/** Tomorrow at 10:00 China time, as epoch ms. */
function tomorrowTen(): number {
  const { field } = chinaReading(Date.now() + 24 * HOUR);
  return Date.parse(`${field.slice(0, 10)}T10:00:00+08:00`);
}

/** A full-page picture may resize the page while it is taken, which clears a signature pad: those pictures show the window only. */
async function shot(page: Page, name: string, dialect: string, fullPage = true) {
  const path = screenshotPath(name, dialect);
  // the confirmations of earlier steps fade out first: the picture shows the page, not the toasts
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
  await page.screenshot({ path, fullPage });
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
}

describeEachDb('technician on the phone, and the printable work order', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  let qiantai: Client;
  let weixiuId: string;
  let unitId: string;
  let ownerId: string;
  let yghy: string;
  let tmp: string;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    yghy = srv.demo.projectByCode.YGHY as string;
    ({ unitId, ownerId, weixiuId } = srv.people);
    qiantai = new Client(srv.url);
    expect((await qiantai.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
    tmp = mkdtempSync(join(tmpdir(), 'wuye-tech-'));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A repair reported by phone for 3-1-1502, registered by the receptionist. */
  const report = async (content: string) => {
    const r = await qiantai.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'phone',
      unitId,
      requesterPersonId: ownerId,
      content,
      preferredTime: '今天下午',
      readBackConfirmed: true,
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string };
  };
  const act = async (id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await qiantai.get(`/api/requests/${id}`);
    const res = await qiantai.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const detail = async (id: string) => (await qiantai.get(`/api/requests/${id}`)).body;

  /** A phone-sized window, signed in as the technician: the login lands on the order list. */
  async function phoneAsTechnician(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}/login`);
    await page.getByTestId('login-username').fill('weixiu');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => u.pathname === '/w');
    return { context, page, errors };
  }

  /** Does what records a step and waits for the server's answer; a refusal fails here with the server's message. */
  async function step(page: Page, action: string, trigger: () => Promise<void>) {
    await sent(page, (path) => path.endsWith(`/actions/${action}`), trigger, action);
  }

  it('technician: accepts, travels, arrives, records findings, completes with a material and a photo; the resident signs; the office prints the work order', async () => {
    const r = await report('卫生间洗手盆水龙头漏水，关不紧');
    expect((await act(r.id, 'mark_free', { scope: 'in_unit', reason: '保修期内' })).status).toBe('to_dispatch');
    const visit = Date.now() + 2 * HOUR;
    expect((await act(r.id, 'dispatch', { assigneeId: weixiuId, appointmentAt: visit, informed: true })).status).toBe('dispatched');

    const { context, page, errors } = await phoneAsTechnician();

    // --- my orders: the new one with its unit, content and visit time ---
    const card = page.getByTestId('tech-order').filter({ hasText: r.number });
    await card.waitFor();
    await card
      .getByTestId('tech-appointment')
      .filter({ hasText: chinaReading(visit).shown })
      .waitFor();
    const cardText = await card.innerText();
    for (const part of ['3-1-1502', '水龙头漏水', '已派工']) expect(cardText).toContain(part);
    // phone-first: nothing wider than the screen
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'technician-orders', dialect);

    // --- one order, one big button per step ---
    await card.click();
    await page.getByTestId('tech-order-number').filter({ hasText: r.number }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/w/orders/${r.id}`);
    const facts = await page.getByTestId('tech-facts').innerText();
    for (const part of ['3-1-1502', '水龙头漏水', '今天下午', chinaReading(visit).shown, '免费维修']) expect(facts).toContain(part);
    for (const action of ['accept', 'depart', 'arrive']) {
      const button = page.getByTestId(`tech-step-${action}`);
      await step(page, action, () => button.click());
      await button.waitFor({ state: 'detached' });
    }
    expect((await detail(r.id)).status).toBe('on_site');
    expect(await page.getByTestId('tech-steps').count()).toBe(0);

    // --- findings, then the completion form ---
    await page.getByTestId('tech-findings-text').fill('阀芯磨损，需更换');
    await step(page, 'findings', () => page.getByTestId('tech-findings-save').click());
    expect((await detail(r.id)).detail.findings).toBe('阀芯磨损，需更换');

    await page.getByTestId('tech-add-material').click();
    await page.getByTestId('tech-material-name-0').fill('陶瓷阀芯');
    await page.getByTestId('tech-material-quantity-0').fill('2');
    await page.getByTestId('tech-material-unit-0').fill('只');
    await page.getByTestId('tech-material-price-0').fill('15.5');
    await page.getByTestId('tech-labour').fill('30');
    await page.getByTestId('tech-fee').fill('0');
    await page.getByTestId('tech-total').filter({ hasText: '¥61.00' }).waitFor();

    const photo = join(tmp, 'repaired.png');
    writeFileSync(
      photo,
      await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 120, b: 200 } } })
        .png()
        .toBuffer(),
    );
    await page.getByTestId('tech-complete').locator('input[type=file]').setInputFiles(photo);
    await page.getByTestId('tech-complete').locator('.ant-upload-list-item-done').waitFor();
    await page.getByTestId('tech-note').fill('已试水，无渗漏');
    await shot(page, 'technician-complete', dialect);
    await step(page, 'complete', () => page.getByTestId('tech-complete-submit').click());

    // --- the resident signs on the screen ---
    const pad = page.getByTestId('tech-sign').locator('canvas');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('the signature pad is not on screen');
    expect(box.width).toBeGreaterThan(250);
    expect(await page.getByTestId('signature-confirm').isDisabled()).toBe(true);
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 30, y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, y - 40, { steps: 8 });
    await page.mouse.move(box.x + 140, y + 30, { steps: 8 });
    await page.mouse.move(box.x + 220, y - 30, { steps: 8 });
    await page.mouse.up();
    await page.mouse.move(box.x + 240, y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, y + 15, { steps: 6 });
    await page.mouse.up();
    expect(await pad.getAttribute('data-empty')).toBe('false');
    // the resident saw what was done before signing
    expect(await page.getByTestId('tech-summary').innerText()).toContain('陶瓷阀芯');
    await shot(page, 'technician-signature', dialect, false);
    expect(await pad.getAttribute('data-empty')).toBe('false');
    await step(page, 'sign', () => page.getByTestId('signature-confirm').click());
    await page.getByTestId('tech-handed-back').waitFor();

    const done = await detail(r.id);
    expect(done.status).toBe('signed');
    expect(done.detail.signatureFileId).toBeTruthy();
    expect(done.detail.signedAt).toBeGreaterThan(0);
    expect(JSON.parse(done.detail.materials)).toEqual([{ name: '陶瓷阀芯', quantity: 2, unit: '只', priceFen: 1550 }]);
    expect(done.detail).toMatchObject({ labourFen: 3000, feeCollectedFen: 0, findings: '阀芯磨损，需更换' });
    const jobPhotos = done.photos.filter((p: { id: string }) => p.id !== done.detail.signatureFileId);
    expect(jobPhotos).toHaveLength(1);
    const signature = await qiantai.request('GET', `/api/files/${done.detail.signatureFileId}`);
    expect(signature.headers.get('content-type')).toBe('image/png');
    expect(errors).toEqual([]);
    await context.close();

    // --- the service center prints the 维修工作单 ---
    const office = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const desk = await office.newPage();
    const deskErrors: string[] = [];
    desk.on('pageerror', (e) => deskErrors.push(e.message));
    await desk.goto(`${srv.url}/login?next=${encodeURIComponent(`/requests/${r.id}`)}`);
    await desk.getByTestId('login-username').fill('qiantai');
    await desk.getByTestId('login-password').fill(DEMO_PASSWORD);
    await desk.getByTestId('login-submit').click();
    await desk.getByTestId('request-number').filter({ hasText: r.number }).waitFor();
    await desk.getByTestId('print-work-order').click();
    await desk.getByTestId('work-order').waitFor();
    expect(new URL(desk.url()).pathname).toBe(`/requests/${r.id}/print`);

    const sig = desk.getByTestId('work-order-signature');
    await sig.waitFor();
    await desk.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="work-order-signature"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    const material = desk.getByTestId('work-order-material');
    expect(await material.count()).toBe(1);
    const line = await material.innerText();
    for (const part of ['陶瓷阀芯', '2', '只', '¥15.50', '¥31.00']) expect(line).toContain(part);
    const sheet = await desk.getByTestId('work-order').innerText();
    for (const part of ['维修工作单', r.number, '3-1-1502', '水龙头漏水', '阀芯磨损', '张师傅', '免费', '已试水，无渗漏']) {
      expect(sheet).toContain(part);
    }
    expect(await desk.getByTestId('work-order-total').innerText()).toBe('¥61.00');
    expect(await desk.getByTestId('work-order-appointment').innerText()).toBe(chinaReading(visit).shown);

    expect(await desk.getByTestId('work-order').getAttribute('data-size')).toBe('A4');
    await desk.getByTestId('print-size').getByText('A5', { exact: true }).click();
    expect(await desk.getByTestId('work-order').getAttribute('data-size')).toBe('A5');
    // the paper size reaches the print style sheet
    const pageRule = () =>
      desk.evaluate(() => [...document.querySelectorAll('style')].map((el) => el.textContent ?? '').find((css) => css.includes('@page')));
    expect(await pageRule()).toContain('size: A5');
    // printed, the console's menu and header are gone and only the sheet remains
    await desk.emulateMedia({ media: 'print' });
    expect(await desk.locator('.shell-header').isVisible()).toBe(false);
    expect(await desk.getByTestId('print-size').isVisible()).toBe(false);
    expect(await desk.getByTestId('work-order').isVisible()).toBe(true);
    await desk.emulateMedia({ media: 'screen' });
    await shot(desk, 'work-order-print', dialect);
    expect(deskErrors).toEqual([]);
    await office.close();
  });

  it('technician: an order put in the department pool shows under 待取单 and is taken with a visit time', async () => {
    const r = await report('3 单元 15 楼走廊灯不亮');
    await act(r.id, 'mark_free', { scope: 'common', reason: '公共设施维修' });
    expect((await act(r.id, 'to_pool')).status).toBe('pooled');

    const { context, page, errors } = await phoneAsTechnician();
    await page.getByTestId('tech-tab-pool').click();
    const card = page.getByTestId('tech-pool-order').filter({ hasText: r.number });
    await card.waitFor();
    expect(await card.innerText()).toContain('走廊灯不亮');
    await card.getByTestId('tech-take').click();
    const modal = page.getByTestId('tech-take-modal');
    await modal.getByTestId('tech-take-time').waitFor();
    const visit = tomorrowTen();
    await modal.getByTestId('tech-take-time').fill(chinaReading(visit).field);
    await step(page, 'take', () => modal.locator('.ant-modal-footer .ant-btn-primary').click());
    await page.waitForURL((u) => u.pathname === `/w/orders/${r.id}`);
    await page.getByTestId('tech-step-accept').waitFor();

    const taken = await detail(r.id);
    expect(taken).toMatchObject({ status: 'dispatched', assigneeId: weixiuId });
    expect(taken.detail.appointmentAt).toBe(visit);
    // Taken from the pool, the technician still owes the resident the answer of who comes and when.
    await page.getByTestId('tech-step-inform').waitFor();

    // back on the list it is now one of mine, and the pool no longer offers it
    await page.getByTestId('tech-back').click();
    await page.getByTestId('tech-order').filter({ hasText: r.number }).waitFor();
    await page.getByTestId('tech-tab-pool').click();
    await page.getByTestId('tech-pool-order').filter({ hasText: r.number }).waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
