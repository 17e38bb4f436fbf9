import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { desktopPage, ensureWebBuilt, launchBrowser, phonePage, screenshotPath, sent, signIn } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

async function shot(page: Page, name: string, dialect: string) {
  const path = screenshotPath(name, dialect);
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
  await page.screenshot({ path, fullPage: true });
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
}

/** antd puts a test id on the control's wrapper or on its input, depending on the control: this finds the input either way. */
async function inputOf(control: Locator): Promise<Locator> {
  const tag = await control.evaluate((el) => el.tagName);
  return tag === 'INPUT' ? control : control.locator('input').first();
}

/** Chooses a radio by its test id (on antd's hidden input): clicks its label, and again if a re-render swallowed the click. */
async function choose(radio: Locator) {
  const label = radio.locator('xpath=ancestor::label[1]');
  for (let attempt = 0; attempt < 4; attempt++) {
    await label.click();
    if (await radio.isChecked()) return;
    await radio.page().waitForTimeout(200 * (attempt + 1));
  }
  throw new Error('the radio did not take the click');
}

async function fillControl(control: Locator, value: string) {
  const input = await inputOf(control);
  await input.fill(value);
  // AutoComplete opens its list while typing: leaving the field closes it, so it does not cover the next control.
  await input.press('Tab');
}

/**
 * R-FD-2 / R-RA-1 end to end, each person on their own screen: the resident applies on the
 * phone for movers without the owner's letter; the desk calls the owner, records the consent
 * and approves; the resident's phone shows the slip; the guard photographs its QR code on the
 * gate page and lets it through once; the second check says 已使用.
 */
describeEachDb('goods release journey in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let dir: string;
  let api: Client;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    api = new Client(srv.url);
    expect((await api.login('kefuzhuguan', DEMO_PASSWORD)).status).toBe(200);
    dir = mkdtempSync(join(tmpdir(), 'wuye-release-'));
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

  it('resident applies without a letter → desk records the owner’s consent by phone and approves → guard accepts the slip once, refuses it the second time', async () => {
    // 1. The resident, on the phone: movers will carry a fridge and boxes out today.
    const resident = await phone();
    await signIn(resident, srv.url, 'yezhu', DEMO_PASSWORD);
    await resident.getByTestId('my-unit').first().waitFor();
    await resident.getByTestId('resident-tabs').getByTestId('tab-releases').click();
    await resident.getByTestId('release-apply').click();
    await resident.getByTestId('release-apply-form').waitFor();
    await choose(resident.getByTestId('release-who-other'));
    await resident.getByTestId('release-applicant-name').fill('搬家公司 刘师傅');
    await resident.getByTestId('release-applicant-phone').fill('13722223333');
    await choose(resident.getByTestId('release-standing-other'));
    // Without a letter the center calls the owner: the default for someone who is not the owner.
    expect(await resident.getByTestId('release-path-owner_call').isChecked()).toBe(true);
    await fillControl(resident.getByTestId('release-item-name-0'), '冰箱');
    await fillControl(resident.getByTestId('release-item-unit-0'), '台');
    await resident.getByTestId('release-item-add').click();
    await fillControl(resident.getByTestId('release-item-name-1'), '纸箱');
    await fillControl(resident.getByTestId('release-item-qty-1'), '5');
    await fillControl(resident.getByTestId('release-item-unit-1'), '个');
    await resident.getByTestId('release-plate').fill('粤B12345');
    await resident.getByTestId('release-reason-chips').getByText('搬家').click();
    await shot(resident, 'release-1-resident-applies', dialect);
    await sent(
      resident,
      (path) => path === '/api/me/releases',
      () => resident.getByTestId('release-apply-submit').click(),
      'apply',
    );
    await resident.getByTestId('release-waiting').waitFor();
    const number = (await resident.getByTestId('release-number').innerText()).trim();
    expect(number).toMatch(/^FX-\d{4}-\d{4}$/);
    const created = await srv.ctx.db.selectFrom('releases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(created).toMatchObject({ path: 'owner_call', standing: 'other', channel: 'portal', plate: '粤B12345', status: 'pending' });

    // 2. The desk: the application is waiting; the receptionist calls the owner, who agrees, and approves.
    const desk = await desktop();
    await signIn(desk, srv.url, 'qiantai', DEMO_PASSWORD, '/releases');
    await desk.getByTestId('releases-table').getByText(number).click();
    await desk.getByTestId('release-action-owner_call').click();
    const modal = desk.locator('.ant-modal:visible');
    await modal.waitFor();
    // The owner on file and their number are filled in for the call.
    await modal.getByText('李明华').first().waitFor();
    expect(await modal.getByTestId('release-step-number').inputValue()).toMatch(/^1\d{10}$/);
    await choose(modal.getByTestId('release-answer-yes'));
    await modal.getByTestId('release-step-note').fill('业主确认同意搬出冰箱和纸箱');
    await sent(
      desk,
      (path) => path.endsWith('/owner-call'),
      () => modal.locator('.ant-modal-footer .ant-btn-primary').click(),
      'owner call',
    );
    await desk.getByTestId('release-action-approve').click();
    await sent(
      desk,
      (path) => path.endsWith('/approve'),
      () => desk.getByTestId('release-approve-ok').click(),
      'approve',
    );
    const code = (await desk.getByTestId('release-code').getAttribute('data-code')) as string;
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    await desk.getByTestId('release-event').filter({ hasText: '致电业主' }).waitFor();
    await shot(desk, 'release-2-desk-approves', dialect);
    // The slip prints on A5 with its QR code.
    await desk.getByTestId('release-print').click();
    await desk.getByTestId('release-slip-print').getByTestId('release-print-qr').waitFor();
    await shot(desk, 'release-2b-slip-print', dialect);
    const history = (await api.get(`/api/releases/${created.id}`)).body.events;
    expect(history.find((e: { type: string }) => e.type === 'owner_called')).toMatchObject({ answer: 'yes', contactName: '李明华' });

    // 3. The resident's phone shows the slip: a big QR code and the code.
    await resident.reload();
    const qr = resident.getByTestId('release-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('data-code')).toBe(code);
    expect(await resident.getByTestId('release-slip').getAttribute('data-state')).toBe('approved');
    await shot(resident, 'release-3-resident-slip', dialect);
    // What the guard's camera would see: the slip's QR code as shown on the resident's screen.
    const qrPicture = join(dir, 'slip-qr.png');
    await qr.screenshot({ path: qrPicture });

    // 4. The guard signs in straight to the gate page, photographs the QR code and lets the goods through.
    const gate = await phone();
    await signIn(gate, srv.url, 'menggang', DEMO_PASSWORD);
    await gate.getByTestId('gate-scan').waitFor();
    expect(new URL(gate.url()).pathname).toBe('/g');
    await sent(
      gate,
      (path) => path === '/api/releases/check',
      () => gate.getByTestId('gate-photo-input').setInputFiles(qrPicture),
      'check by photo',
    );
    const verdict = gate.getByTestId('gate-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-valid')).toBe('true');
    expect(await gate.getByTestId('gate-plate').innerText()).toBe('粤B12345');
    expect(await gate.getByTestId('release-items').innerText()).toContain('冰箱');
    await shot(gate, 'release-4-gate-valid', dialect);
    await sent(
      gate,
      (path) => path === '/api/releases/use',
      () => gate.getByTestId('gate-confirm').click(),
      'use',
    );
    await gate.locator('[data-testid="gate-verdict"][data-used="true"]').waitFor();
    await shot(gate, 'release-5-gate-released', dialect);

    // 5. The same slip again, typed this time: refused, 已使用.
    await gate.getByTestId('gate-next').click();
    await gate.getByTestId('gate-code-input').fill(`${code.slice(0, 4)} ${code.slice(4)}`.toLowerCase());
    await sent(
      gate,
      (path) => path === '/api/releases/check',
      () => gate.getByTestId('gate-check').click(),
      'second check',
    );
    const second = gate.locator('[data-testid="gate-verdict"][data-valid="false"]');
    await second.waitFor();
    expect(await second.getAttribute('data-reason')).toBe('used');
    expect(await gate.getByTestId('gate-reason').innerText()).toBe('已使用');
    await shot(gate, 'release-6-gate-used', dialect);

    const checks = await srv.ctx.db.selectFrom('release_checks').select(['kind', 'result']).where('release_id', '=', created.id).execute();
    expect(checks.map((c) => `${c.kind}:${c.result}`).sort()).toEqual(['check:ok', 'check:used', 'use:ok']);

    // 6. The resident's slip now reads 已使用.
    await resident.reload();
    await resident.locator('[data-testid="release-slip"][data-state="used"]').waitFor();
    await resident.getByTestId('release-used-at').waitFor();
  }, 180_000);
  it('receptionist: a tenant brings the owner’s letter to the counter; the letter is uploaded, checked and the slip issued', async () => {
    const letter = join(dir, 'letter.jpg');
    writeFileSync(
      letter,
      await sharp({ create: { width: 600, height: 800, channels: 3, background: '#fbfaf5' } })
        .jpeg()
        .toBuffer(),
    );
    const desk = await desktop();
    await signIn(desk, srv.url, 'qiantai', DEMO_PASSWORD, '/releases');
    await desk.getByTestId('release-new').click();
    const form = desk.getByTestId('release-form');
    await form.waitFor();
    const unit = form.getByTestId('release-unit').locator('.ant-select');
    for (let attempt = 0; attempt < 3; attempt++) {
      await unit.click();
      await desk.keyboard.type('3-1-1502');
      const option = desk.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '3-1-1502' }).first();
      try {
        await option.waitFor({ timeout: 5000 });
        await option.click();
        break;
      } catch {
        await desk.keyboard.press('Escape');
      }
    }
    await choose(form.getByTestId('release-standing-tenant'));
    await form.getByTestId('release-applicant-name').fill('租客 陈小姐');
    await form.getByTestId('release-applicant-phone').fill('13655556666');
    await choose(form.getByTestId('release-path-letter'));
    await (await inputOf(form.getByTestId('release-letter'))).setInputFiles(letter);
    await form.locator('.ant-upload-list-item-done, .ant-upload-list-item:not(.ant-upload-list-item-uploading)').first().waitFor();
    await fillControl(form.getByTestId('release-item-name-0'), '电脑显示器');
    await fillControl(form.getByTestId('release-item-qty-0'), '2');
    await fillControl(form.getByTestId('release-item-unit-0'), '台');
    await form.getByTestId('release-reason').fill('退租搬出');
    await shot(desk, 'release-7-counter-letter', dialect);
    await sent(
      desk,
      (path) => path === '/api/releases',
      () => form.getByTestId('release-submit').click(),
      'counter application',
    );
    await desk.getByTestId('release-letter-image').waitFor();
    await desk.getByTestId('release-action-check_letter').click();
    const modal = desk.locator('.ant-modal:visible');
    await modal.waitFor();
    await choose(modal.getByRole('radio', { name: '签名相符，有效' }));
    await sent(
      desk,
      (path) => path.endsWith('/check-letter'),
      () => modal.locator('.ant-modal-footer .ant-btn-primary').click(),
      'check letter',
    );
    await desk.getByTestId('release-action-approve').click();
    await sent(
      desk,
      (path) => path.endsWith('/approve'),
      () => desk.getByTestId('release-approve-ok').click(),
      'approve',
    );
    await desk.getByTestId('release-code').waitFor();
    const number = (await desk.getByTestId('release-number').innerText()).trim();
    const row = await srv.ctx.db.selectFrom('releases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ path: 'letter', standing: 'tenant', status: 'approved', channel: 'counter' });
    expect(row.letter_file_id).toBeTruthy();
    // Today's list shows it as valid.
    await desk.goto(`${srv.url}/releases?scope=today`);
    await desk
      .locator(`[data-testid="release-row"][data-number="${number}"]`)
      .getByTestId('release-state')
      .filter({ hasText: '有效' })
      .waitFor();
    await shot(desk, 'release-8-counter-today', dialect);
  }, 120_000);
});
