import { existsSync, statSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toLocalDate } from '../../server/platform/calendar/calendar.ts';
import {
  chinaPickerTime,
  chooseOption,
  ensureWebBuilt,
  launchBrowser,
  pickTime,
  screenshotPath,
  sent,
  signIn,
} from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const COMPLAINT = '楼上住户每晚十一点后装修敲打，多次沟通无果，严重影响休息';

async function shot(page: Page, name: string, dialect: string) {
  const path = screenshotPath(name, dialect);
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
  await page.screenshot({ path, fullPage: true });
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
}

/**
 * R-CP-1…9 end to end: a phone complaint is registered at the desk with its read-back, a
 * response time is promised, the complaint is transferred to the engineering head who
 * contacts the complainant and resolves it; the callback finds the complainant not satisfied
 * and it goes back; resolved again, the second callback is satisfied and it closes. The
 * month's classification table counts it once, with one reopen.
 */
describeEachDb('complaint journey in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let api: Client;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    api = new Client(srv.url);
    expect((await api.login('kefuzhuguan', DEMO_PASSWORD)).status).toBe(200);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await srv?.close();
  });

  const desktop = async () => {
    const c = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(c);
    const page = await c.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  };

  /** Opens an action's dialog, fills it, and waits for the POST the dialog sends. */
  const action = async (page: Page, name: string, fill: (modal: ReturnType<Page['locator']>) => Promise<void> = async () => {}) => {
    await page.getByTestId(`action-${name}`).click();
    const modal = page.locator('.ant-modal:visible');
    await modal.waitFor();
    await fill(modal);
    const send = () =>
      sent(
        page,
        (path) => path.endsWith(`/actions/${name}`),
        () => modal.locator('.ant-modal-footer .ant-btn-primary').click(),
        name,
      );
    try {
      await send();
    } catch (e) {
      // On a loaded machine an input can be lost while the dialog re-renders: the form then
      // refuses to send and says which field is missing. A person fills it in again; so does the test.
      if (!(e instanceof Error) || !e.message.includes('nothing was sent')) throw e;
      await fill(modal);
      await send();
    }
    await modal.waitFor({ state: 'detached' });
  };
  const status = async (id: string) => (await api.get(`/api/requests/${id}`)).body;

  it('phone complaint → promise → transfer → resolution → not satisfied → reopened → resolved → satisfied → closed, counted once with one reopen', async () => {
    // 1. The desk registers the phone complaint for 3-1-1502, reads it back and saves it.
    const { page: desk, errors } = await desktop();
    await signIn(desk, srv.url, 'qiantai', DEMO_PASSWORD);
    await desk.getByTestId('lookup-input').fill('3-1-1502');
    const card = desk.getByTestId('lookup-hit').filter({ has: desk.locator('.unit-number', { hasText: '3-1-1502' }) });
    await card.first().getByTestId('lookup-intake').click();
    await desk.getByTestId('intake-form').waitFor();
    await desk.getByTestId('intake-channel').getByText('来电', { exact: true }).click();
    await desk.getByTestId('intake-kind').getByText('投诉', { exact: true }).click();
    await desk.getByTestId('phrase-panel').locator('[data-scenario="phone_complaint"]').waitFor();
    await desk.getByTestId('intake-occupant').filter({ hasText: '李明华' }).first().click();
    await desk.getByTestId('intake-content').fill(COMPLAINT);
    await shot(desk, 'complaint-1-intake', dialect);
    await desk.getByTestId('intake-submit').click();
    const readBack = desk.getByTestId('readback-modal');
    await readBack.getByTestId('readback-confirm').waitFor();
    for (const part of ['3-1-1502', '李明华', '装修敲打']) expect(await readBack.innerText()).toContain(part);
    await sent(
      desk,
      (path) => path === '/api/requests',
      () => readBack.getByTestId('readback-confirm').click(),
      'intake',
    );
    const number = (await desk.getByTestId('intake-number').innerText()).trim();
    expect(number).toMatch(/^TS-\d{4}-\d{4}$/);
    const id = (await api.get(`/api/requests?number=${number}`)).body.items[0].id as string;
    expect(await status(id)).toMatchObject({ kind: 'complaint', channel: 'phone', status: 'registered', detail: { grade: 'general' } });

    // 2. A response time within the 24 hours is promised to the caller.
    await desk.getByTestId('intake-open').click();
    await desk.getByTestId('request-number').filter({ hasText: number }).waitFor();
    await desk.getByTestId('complaint-card').waitFor();
    await action(desk, 'promise', async (m) => pickTime(desk, m.getByTestId('action-field-promisedAt'), chinaPickerTime(3)));
    expect((await status(id)).status).toBe('promised');

    // 3. Transferred to the engineering head, who becomes the first handler and must call the complainant.
    await action(desk, 'transfer', async (m) => {
      await chooseOption(desk, m.getByTestId('assignee-select'), '刘志强', true);
      await m.getByTestId('action-field-reason').fill('夜间装修属装修管理，由工程部跟进');
    });
    const moved = await status(id);
    expect(moved).toMatchObject({ assigneeName: '刘志强', detail: { firstHandlerId: moved.assigneeId } });
    expect(moved.deadlines.find((d: { kind: string }) => d.kind === 'complaint.contact')).toMatchObject({ status: 'running' });
    await shot(desk, 'complaint-2-transferred', dialect);

    // 4. The engineering head contacts the complainant, agrees a solution and carries it out.
    const { page: head, errors: headErrors } = await desktop();
    await signIn(head, srv.url, 'gongcheng', DEMO_PASSWORD, `/requests/${id}`);
    await head.getByTestId('request-number').filter({ hasText: number }).waitFor();
    await action(head, 'contact', (m) => m.getByTestId('action-field-note').fill('已电话联系投诉人，约定今晚上门核实'));
    const propose = async (solution: string) =>
      action(head, 'propose', async (m) => {
        await m.getByTestId('action-field-solution').fill(solution);
        await m.getByTestId('action-field-opinion').fill('同意');
        await m.locator('.ant-switch').click();
      });
    await propose('约谈装修户，装修时间限定为 8:00–12:00、14:00–18:00');
    await action(head, 'resolve', (m) => m.getByTestId('action-field-resolution').fill('已约谈装修户并签署承诺书'));
    expect((await status(id)).status).toBe('resolved');

    // 5. The callback: the complainant is not satisfied; it goes back to the department and is counted.
    await desk.reload();
    await action(desk, 'callback_unsatisfied', async (m) => {
      await chooseOption(desk, m.getByTestId('action-field-method'), '电话');
      await m.getByTestId('action-field-note').fill('昨晚十一点仍有敲打声');
    });
    const reopened = await status(id);
    expect(reopened).toMatchObject({ status: 'investigating', isOpen: true, detail: { reopenCount: 1 } });
    await desk.getByTestId('complaint-reopens').waitFor();
    await shot(desk, 'complaint-3-reopened', dialect);

    // 6. Solved again; the cause and the preventive measure are recorded; the second callback is satisfied.
    await head.reload();
    await propose('夜间巡逻增加装修楼层，违规即停工');
    await action(head, 'resolve', (m) => m.getByTestId('action-field-resolution').fill('连续三晚巡查无夜间施工'));
    await desk.reload();
    await action(desk, 'analyse', async (m) => {
      await m.getByTestId('action-field-cause').fill('装修时段管理未落实到夜间巡查');
      await m.getByTestId('action-field-preventive').fill('装修登记时告知时段，夜间巡逻检查装修楼层');
    });
    await action(desk, 'callback_satisfied', async (m) => {
      await chooseOption(desk, m.getByTestId('action-field-method'), '电话');
      await m.getByTestId('action-field-note').fill('投诉人表示已无夜间施工，满意');
    });
    const closed = await status(id);
    expect(closed).toMatchObject({ status: 'closed', isOpen: false, detail: { closeReason: 'satisfied', reopenCount: 1 } });
    await desk.getByText('已结案').first().waitFor();
    await shot(desk, 'complaint-4-closed', dialect);

    // 7. The month's classification table counts it once, with one reopen; the figure opens it.
    const month = toLocalDate(Date.now()).slice(0, 7);
    const table = (await api.get(`/api/reports/complaints?projectId=${srv.demo.projectByCode.YGHY}&month=${month}`)).body;
    expect(table.totals).toMatchObject({ total: 1, reopens: 1 });
    await desk.goto(`${srv.url}/reports/complaints?month=${month}`);
    await desk.getByTestId('complaint-table').waitFor();
    await desk.getByTestId('ct-total-total').filter({ hasText: /^1$/ }).waitFor();
    expect((await desk.getByTestId('ct-total-reopens').innerText()).trim()).toBe('1');
    await desk.getByTestId('ct-total-total').click();
    await desk.getByTestId('ct-items').getByText(number).waitFor();
    await shot(desk, 'complaint-5-monthly-table', dialect);
    expect([...errors, ...headErrors]).toEqual([]);
  }, 240_000);
});
