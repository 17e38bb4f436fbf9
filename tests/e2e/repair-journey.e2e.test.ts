import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { drawWeeklyCallbacks } from '../../server/domains/repairs/callbacks.service.ts';
import {
  checkAgain,
  chooseOption,
  desktopPage,
  ensureWebBuilt,
  launchBrowser,
  phonePage,
  pickTime,
  screenshotPath,
  sent,
  signIn,
} from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const DAY = 86_400_000;
const LEAK = '卫生间天花板漏水，楼上渗下来的';

/** A full-page picture may resize the page while it is taken, which clears a signature pad: those pictures show the window only. */
async function shot(page: Page, name: string, dialect: string, fullPage = true) {
  const path = screenshotPath(name, dialect);
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
  await page.screenshot({ path, fullPage });
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
}

/** Tomorrow 10:00 China time as the desk's picker types it. */
function tomorrowTenInChina(): string {
  const d = new Date(Date.now() + 8 * 3_600_000 + DAY);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} 10:00`;
}

/** Waits for the POST of a workflow step the page sends, and fails with the server's answer if it is refused. */
async function step(page: Page, action: string, trigger: () => Promise<void>) {
  await sent(page, (path) => path.endsWith(`/actions/${action}`), trigger, action);
}

/**
 * R-RP-1…9 end to end, each person on their own screen: the resident reports a leak with a
 * photo from the phone; the receptionist assesses and dispatches; the technician works it
 * through on the phone and the resident signs on the screen; the center confirms; the
 * weekly draw picks it; the callback is recorded; the monthly summary counts it.
 */
describeEachDb('repair journey in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let dir: string;
  let photo: string;
  let api: Client;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    api = new Client(srv.url);
    expect((await api.login('kefuzhuguan', DEMO_PASSWORD)).status).toBe(200);
    dir = mkdtempSync(join(tmpdir(), 'wuye-journey-'));
    photo = join(dir, 'leak.jpg');
    writeFileSync(
      photo,
      await sharp({ create: { width: 800, height: 600, channels: 3, background: '#d9d4c7' } })
        .composite([
          {
            input: Buffer.from(
              '<svg width="800" height="600"><ellipse cx="400" cy="260" rx="190" ry="110" fill="#8a7f66" opacity="0.55"/></svg>',
            ),
          },
        ])
        .jpeg()
        .toBuffer(),
    );
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const phone = () => phonePage(browser, contexts);
  const desktop = () => desktopPage(browser, contexts);

  it('resident reports a leak with a photo → desk dispatches → technician completes, resident signs → callback recorded → summary counts it', async () => {
    // 1. The resident, on the phone page.
    const resident = await phone();
    await signIn(resident, srv.url, 'yezhu', DEMO_PASSWORD);
    await resident.getByTestId('my-unit').first().waitFor();
    await resident.getByTestId('resident-tabs').getByTestId('tab-report').click();
    await resident.getByTestId('report-form').waitFor();
    await resident.getByTestId('report-category').getByText('洗手间漏水').click();
    await resident.getByTestId('report-content').fill(LEAK);
    await resident.getByTestId('report-time-chips').getByText('今天下午').click();
    await resident.getByTestId('photo-input').setInputFiles(photo);
    await resident.locator('[data-testid="photo-thumb"][data-status="done"]').waitFor();
    await shot(resident, 'journey-1-resident-report', dialect);
    await sent(
      resident,
      (path) => path === '/api/me/requests',
      () => resident.getByTestId('report-submit').click(),
      'report',
    );
    await resident.getByTestId('report-number').waitFor();
    const number = (await resident.getByTestId('report-number').getAttribute('data-number')) ?? '';
    expect(number).toMatch(/^BX-\d{4}-\d{4}$/);
    const found = await api.get(`/api/requests?number=${number}`);
    const id = found.body.items[0].id as string;
    expect((await api.get(`/api/requests/${id}`)).body).toMatchObject({ channel: 'portal', photos: [expect.anything()] });

    // 2. The receptionist: the report is in the center's queue; free (major defect in warranty… here: common policy) and dispatched.
    const desk = await desktop();
    await signIn(desk, srv.url, 'qiantai', DEMO_PASSWORD, '/queue');
    await desk.getByText(number).first().click();
    await desk.getByTestId('request-number').filter({ hasText: number }).waitFor();
    await desk.getByTestId('action-mark_free').click();
    await desk.getByTestId('action-field-reason').fill('楼板渗漏属重大缺陷，按保修处理');
    await step(desk, 'mark_free', () => desk.locator('.ant-modal-footer .ant-btn-primary').click());
    await desk.getByTestId('action-dispatch').click();
    const modal = desk.locator('.ant-modal');
    await chooseOption(desk, modal.getByTestId('assignee-select'), '张师傅', true);
    const picker = modal.getByTestId('action-field-appointmentAt');
    await pickTime(desk, picker, tomorrowTenInChina());
    await modal.locator('.ant-switch').click();
    await shot(desk, 'journey-2-desk-dispatch', dialect);
    await step(desk, 'dispatch', () => modal.locator('.ant-modal-footer .ant-btn-primary').click());
    const dispatched = (await api.get(`/api/requests/${id}`)).body;
    expect(dispatched).toMatchObject({ status: 'dispatched', assigneeName: '张师傅' });
    // Told who comes and when: the 10-minute answer is met.
    expect(dispatched.deadlines.find((d: { kind: string }) => d.kind === 'repair.response')).toMatchObject({
      status: 'met',
      breachedAt: null,
    });

    // 3. The technician, on the phone: accept, go, arrive, findings, done; the resident signs on the screen.
    const tech = await phone();
    await signIn(tech, srv.url, 'weixiu', DEMO_PASSWORD);
    const card = tech.getByTestId('tech-order').filter({ hasText: number });
    await card.click();
    await tech.getByTestId('tech-order-number').filter({ hasText: number }).waitFor();
    for (const action of ['accept', 'depart', 'arrive']) await step(tech, action, () => tech.getByTestId(`tech-step-${action}`).click());
    await tech.getByTestId('tech-findings-text').fill('楼上卫生间防水层破损，已重做防水并封堵');
    await step(tech, 'findings', () => tech.getByTestId('tech-findings-save').click());
    await tech.getByTestId('tech-note').fill('闭水试验 24 小时无渗漏');
    await step(tech, 'complete', () => tech.getByTestId('tech-complete-submit').click());
    const pad = tech.getByTestId('tech-sign').locator('canvas');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('signature pad not visible');
    const y = box.y + box.height / 2;
    await tech.mouse.move(box.x + 30, y);
    await tech.mouse.down();
    await tech.mouse.move(box.x + 90, y - 35, { steps: 8 });
    await tech.mouse.move(box.x + 160, y + 25, { steps: 8 });
    await tech.mouse.move(box.x + 240, y - 20, { steps: 8 });
    await tech.mouse.up();
    await shot(tech, 'journey-3-resident-signs', dialect, false);
    expect(await pad.getAttribute('data-empty')).toBe('false');
    await step(tech, 'sign', () => tech.getByTestId('signature-confirm').click());
    await tech.getByTestId('tech-handed-back').waitFor();
    const signed = (await api.get(`/api/requests/${id}`)).body;
    expect(signed.status).toBe('signed');
    expect(signed.detail.signatureFileId).toBeTruthy();

    // 4. The service center confirms and archives.
    await desk.reload();
    await desk.getByTestId('action-confirm').click();
    await chooseOption(desk, desk.getByTestId('action-field-via'), '住户已签字');
    await step(desk, 'confirm', () => desk.locator('.ant-modal-footer .ant-btn-primary').click());
    expect((await api.get(`/api/requests/${id}`)).body).toMatchObject({ status: 'archived', isOpen: false });

    // 5. Next Monday's job draws this week's completed orders: the only one is drawn.
    const draw = await drawWeeklyCallbacks(srv.ctx, Date.now() + 7 * DAY);
    expect(draw.draws.find((d) => d.projectId === srv.demo.projectByCode.YGHY)).toMatchObject({ population: 1, drawn: 1 });

    // 6. The callback, from the center's callback list.
    // A bathroom leak is a major defect: a follow-up visit is scheduled besides the weekly callback.
    await desk.goto(`${srv.url}/callbacks`);
    await desk.getByTestId('callbacks-table').getByText('重大缺陷上门跟踪').waitFor();
    await desk.goto(`${srv.url}/callbacks?kind=weekly`);
    await desk.getByTestId(`callback-record-${number}`).first().click();
    const cb = desk.locator('.ant-modal');
    await checkAgain(cb.getByRole('radio', { name: '满意', exact: true }));
    await cb.getByTestId('callback-note').fill('住户表示已不再渗漏，很满意');
    await sent(
      desk,
      (path) => /\/api\/callbacks\/[^/]+\/result$/.test(path),
      () => cb.locator('.ant-modal-footer .ant-btn-primary').click(),
      'callback',
    );
    await desk.getByTestId('callbacks-status').getByText('已回访').click();
    await desk.getByTestId('callbacks-table').getByText('住户表示已不再渗漏，很满意').waitFor();
    await shot(desk, 'journey-4-callback', dialect);
    const history = (await api.get(`/api/requests/${id}`)).body.history;
    expect(history.at(-1)).toMatchObject({ type: 'callback', data: { outcome: 'reached', satisfaction: 'satisfied' } });

    // 7. The month's summary counts it, and each figure opens the orders behind it.
    await desk.goto(`${srv.url}/reports/repairs`);
    await desk.getByTestId('fig-completed').filter({ hasText: '1' }).waitFor();
    expect(await desk.getByTestId('fig-reported').innerText()).toBe('1');
    expect(await desk.getByTestId('fig-on_time').innerText()).toBe('1');
    expect(await desk.getByTestId('fig-callbacks').innerText()).toBe('1');
    expect(await desk.getByTestId('fig-satisfaction').innerText()).toContain('100');
    expect(await desk.getByTestId('fig-on-time-rate').innerText()).toContain('100');
    await desk.getByTestId('fig-callbacks').click();
    const drawer = desk.getByTestId('orders-drawer');
    await drawer.getByText(number).waitFor();
    await shot(desk, 'journey-5-summary', dialect);
  }, 180_000);
});
