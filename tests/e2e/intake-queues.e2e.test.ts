import { existsSync, statSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, pickTime, screenshotPath } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const NUMBER = (prefix: string) => new RegExp(`^${prefix}-\\d{4}-\\d{4}$`);

/** Tomorrow 10:00 China time as the picker types it: a promised answer time that is always in the future. */
function tomorrowTenInChina(): string {
  const d = new Date(Date.now() + 8 * 3_600_000 + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} 10:00`;
}

async function shot(page: Page, name: string, dialect: string, fullPage = true) {
  const path = screenshotPath(name, dialect);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage });
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
}

/** Saves from the read-back dialog; a refused save fails here with the message the receptionist saw. */
async function confirmReadBack(page: Page): Promise<string> {
  const confirm = page.getByTestId('readback-modal').getByTestId('readback-confirm');
  const refused = page.locator('.ant-message-error');
  const outcome = page.getByTestId('intake-number').or(refused).first();
  // A click that lands while the dialog is still opening is lost; one that started a save shows it loading.
  for (let attempt = 0; ; attempt++) {
    await confirm.click();
    try {
      await outcome.waitFor({ timeout: 8000 });
      break;
    } catch (e) {
      const saving = (await confirm.getAttribute('class'))?.includes('ant-btn-loading');
      if (attempt >= 2 || saving || !(await confirm.isVisible())) {
        await outcome.waitFor();
        break;
      }
      if (!(e instanceof Error)) throw e;
    }
  }
  if (await refused.count()) throw new Error(`the save was refused: ${await refused.first().innerText()}`);
  return (await page.getByTestId('intake-number').innerText()).trim();
}

describeEachDb('intake and queues in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  let unit: { number: string; occupant: string };

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    const yghy = srv.demo.projectByCode.YGHY as string;
    // A unit whose number is matched by the look-up alone, with a current occupant to pick as the caller.
    const row = await srv.ctx.db
      .selectFrom('units')
      .innerJoin('occupancies', 'occupancies.unit_id', 'units.id')
      .innerJoin('people', 'people.id', 'occupancies.person_id')
      .select(['units.number', 'people.name'])
      .where('units.project_id', '=', yghy)
      .where('occupancies.end_date', 'is', null)
      .orderBy('units.number')
      .executeTakeFirstOrThrow();
    unit = { number: row.number, occupant: row.name };
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('receptionist: registers a phone inquiry with a promised answer time and a counter suggestion; both appear in the queues', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${srv.url}/login`);
    await page.getByTestId('login-username').fill('qiantai');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();

    // The caller is found at the counter look-up; its card opens the intake with the unit chosen.
    await page.getByTestId('lookup-input').fill(unit.number);
    const card = page.getByTestId('lookup-hit').filter({ has: page.locator('.unit-number', { hasText: unit.number }) });
    await card.first().waitFor();
    await card.first().getByTestId('lookup-intake').click();
    await page.getByTestId('intake-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/intake');
    await page.getByTestId('intake-unit').getByText(unit.number).waitFor();

    // --- a phone inquiry, answer promised for tomorrow 10:00 ---
    await page.getByTestId('intake-channel').getByText('来电', { exact: true }).click();
    await page.getByTestId('intake-kind').getByText('咨询', { exact: true }).click();
    const panel = page.getByTestId('phrase-panel');
    await panel.locator('[data-scenario="answer_phone"]').waitFor();
    await panel.locator('[data-scenario="inquiry"]').waitFor();
    await panel.locator('[data-scenario="read_back"]').waitFor();
    expect(await panel.innerText()).toContain('物业服务中心');

    await page.getByTestId('intake-occupant').filter({ hasText: unit.occupant }).first().click();
    expect(await page.getByTestId('intake-name').inputValue()).toBe(unit.occupant);
    const phone = await page.getByTestId('intake-phone').inputValue();
    expect(phone).toMatch(/^1\d{10}$/);
    await page.getByTestId('intake-content').fill('咨询停车月卡办理需要哪些材料，请工作人员核实后回电');
    await page.getByTestId('intake-inquiry-mode').getByText('约定答复时间').click();
    const promised = tomorrowTenInChina();
    const picker = page.getByTestId('intake-promised-at');
    await pickTime(page, picker, promised);
    await page.keyboard.press('Escape');
    await shot(page, 'intake-form', dialect);

    await page.getByTestId('intake-submit').click();
    const modal = page.getByTestId('readback-modal');
    await modal.getByTestId('readback-confirm').waitFor();
    const readBack = await modal.innerText();
    for (const part of [unit.number, unit.occupant, phone, '停车月卡', promised]) expect(readBack).toContain(part);
    expect(readBack).toContain('复述');
    // the dialog is fixed to the window: a window-sized picture shows it as the receptionist sees it
    await shot(page, 'intake-read-back', dialect, false);
    const inquiryNumber = await confirmReadBack(page);
    expect(inquiryNumber).toMatch(NUMBER('ZX'));

    // --- a counter suggestion from a visitor who is not a resident ---
    await page.getByTestId('intake-another').click();
    await page.getByTestId('intake-form').waitFor();
    await page.getByTestId('intake-channel').getByText('来访', { exact: true }).click();
    await page.getByTestId('intake-kind').getByText('建议', { exact: true }).click();
    await panel.locator('[data-scenario="suggestion"]').waitFor();
    await page.getByText('非住户（直接填写）').click();
    await page.getByTestId('intake-name').fill('王女士');
    await page.getByTestId('intake-phone').fill('13912345678');
    await page.getByTestId('intake-content').fill('建议在 3 栋大堂增设快递柜');
    await page.getByTestId('intake-submit').click();
    await modal.getByTestId('readback-confirm').waitFor();
    expect(await modal.innerText()).toContain('王女士');
    const suggestionNumber = await confirmReadBack(page);
    expect(suggestionNumber).toMatch(NUMBER('JY'));

    // --- both in the service-center queue, due soonest first ---
    await page.getByTestId('side-menu').getByText('工作队列').click();
    await page.getByTestId('queue-live').waitFor();
    expect(await page.locator('.ant-tabs-tab-active').innerText()).toContain('服务中心');
    const rows = page.getByTestId('queue-row');
    await rows.filter({ hasText: inquiryNumber }).waitFor();
    await rows.filter({ hasText: suggestionNumber }).waitFor();
    const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));
    expect(order.indexOf(inquiryNumber)).toBeLessThan(order.indexOf(suggestionNumber));
    expect(await rows.filter({ hasText: inquiryNumber }).innerText()).toContain(promised);
    await shot(page, 'queue-center', dialect);

    // the request page shows the promise as a running deadline
    await rows.filter({ hasText: inquiryNumber }).getByRole('link', { name: inquiryNumber }).click();
    await page.getByTestId('request-number').waitFor();
    expect(await page.getByTestId('request-number').innerText()).toBe(inquiryNumber);
    expect(await page.getByTestId('request-deadlines').innerText()).toContain(promised);
    expect(await page.getByTestId('request-status').innerText()).toBe('已约定答复时间');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
