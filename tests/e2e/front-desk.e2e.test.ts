import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, screenshotPath, sent, signIn } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const PHONE = { width: 390, height: 844 };

/** R-FD-1, 3, 4 in the browser: the gate guard on a phone, the incident form, the residents' banner. */
describeEachDb('front desk in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  let desk: Client;
  let yghy: string;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    yghy = srv.demo.projectByCode.YGHY as string;
    desk = new Client(srv.url);
    expect((await desk.login('qiantai', DEMO_PASSWORD)).status).toBe(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function phonePage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  }

  const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

  it('gate guard on a phone: finds 访客登记 in the menu, registers a walk-in, checks an appointment in and signs the visitor out', async () => {
    const booked = await desk.post('/api/visitor-appointments', {
      projectId: yghy,
      name: '预约孙先生',
      phone: '13700001234',
      purpose: '送家具',
      expectedAt: Date.now() + 3600_000,
      host: { kind: 'unit', unitId: srv.people.unitId, personId: srv.people.ownerId },
    });
    expect(booked.status).toBe(201);

    const { page, errors } = await phonePage();
    await signIn(page, srv.url, 'menggang', DEMO_PASSWORD);
    // The guard's phone opens on the gate scanner; the console (with 访客登记 in its menu) is one tap away.
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    if (new URL(page.url()).pathname.startsWith('/g')) await page.getByTestId('gate-console').click();
    await page.getByTestId('menu-toggle').click();
    await page.getByTestId('side-menu').getByText('访客登记').click();
    await page.getByTestId('visitors-title').waitFor();
    expect(page.url()).toContain('/visitors');

    await page.getByTestId('visitor-register').click();
    const modal = page.getByTestId('visitor-modal');
    await modal.getByTestId('visitor-name').fill('周建设');
    await modal.getByTestId('visitor-phone').fill('13600005678');
    await modal.getByTestId('visitor-id-last4').fill('44030119900101123X');
    await modal.getByTestId('visitor-purpose').fill('维修燃气表');
    await modal.getByTestId('visitor-host-kind').getByText('其他').click();
    await modal.getByTestId('visitor-host-text').fill('燃气公司抄表');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    // The whole ID number never leaves the form: the field says why.
    await expect.poll(() => modal.getByText('只登记证件号码后四位，请勿录入完整号码').count()).toBeGreaterThan(0);
    await modal.getByTestId('visitor-id-last4').fill('123X');
    await sent(
      page,
      (p) => p === '/api/visits',
      () => modal.locator('.ant-modal-footer .ant-btn-primary').click(),
      'register visitor',
    );
    const inside = page.getByTestId('visitor-inside').filter({ hasText: '周建设' });
    await inside.waitFor();
    expect(await inside.textContent()).toContain('燃气公司抄表');

    const appointment = page.getByTestId('visitor-board-expected').getByTestId('appointment-card').filter({ hasText: '预约孙先生' });
    await appointment.getByTestId('appointment-check-in').click();
    const checkIn = page.getByTestId('check-in-modal');
    await checkIn.getByTestId('visitor-id-last4').fill('0099');
    await sent(
      page,
      (p) => p.endsWith('/check-in'),
      () => checkIn.locator('.ant-modal-footer .ant-btn-primary').click(),
      'check in',
    );
    await page.getByTestId('visitor-inside').filter({ hasText: '预约孙先生' }).waitFor();
    expect(await noSideways(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('front-desk-gate-board', dialect), fullPage: true });

    await inside.getByTestId('visit-sign-out').click();
    await sent(
      page,
      (p) => p.endsWith('/sign-out'),
      () => page.locator('.ant-popconfirm .ant-btn-primary').click(),
      'sign out',
    );
    await page.getByTestId('visitor-left').filter({ hasText: '周建设' }).waitFor();
    expect(await page.getByTestId('visitor-inside').filter({ hasText: '周建设' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('receptionist: prints the 突发事件处理记录表 of an incident', async () => {
    const logged = await desk.post('/api/incidents', {
      projectId: yghy,
      class: 'A',
      place: '服务中心前台',
      people: '业主 2 人',
      description: '业主因车位问题情绪激动',
    });
    expect(logged.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signIn(page, srv.url, 'qiantai', DEMO_PASSWORD, `/incidents?id=${logged.body.id}`);
    const drawer = page.getByTestId('incident-drawer');
    await drawer.getByTestId('notified-list').waitFor();
    expect(await drawer.getByTestId('notified-list').textContent()).toContain('客服主管');
    await drawer.getByTestId('step-text').fill('引导业主至洽谈室，倒茶安抚');
    await sent(
      page,
      (p) => p.endsWith('/steps'),
      () => drawer.getByTestId('step-add').click(),
      'add step',
    );
    await drawer.getByTestId('step-item').first().waitFor();
    await drawer.getByTestId('incident-print-link').click();
    await page.getByTestId('incident-form').waitFor();
    expect(await page.getByTestId('incident-form-number').textContent()).toBe(logged.body.number);
    expect(await page.getByTestId('incident-form').textContent()).toContain('引导业主至洽谈室');
    await page.screenshot({ path: screenshotPath('front-desk-incident-form', dialect), fullPage: true });
  });

  it('resident on a phone: sees the estate’s emergency notice on the home page', async () => {
    const e = await desk.post('/api/emergencies', { projectId: yghy, type: 'water_power', place: '全小区', summary: '市政管网抢修' });
    expect(e.status).toBe(201);
    const text = '今日 9:00–13:00 全小区停水，请提前储水。';
    expect((await desk.post(`/api/emergencies/${e.body.id}/notices`, { text })).status).toBe(200);
    const { page, errors } = await phonePage();
    await signIn(page, srv.url, 'yezhu', DEMO_PASSWORD);
    const banner = page.getByTestId('resident-notice');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(text);
    expect(await noSideways(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('front-desk-resident-notice', dialect), fullPage: true });

    // The receptionist closes it from her phone with the closing report; the banner goes.
    const staff = await phonePage();
    await signIn(staff.page, srv.url, 'qiantai', DEMO_PASSWORD, `/emergencies?id=${e.body.id}`);
    const drawer = staff.page.getByTestId('emergency-drawer');
    await drawer.getByTestId('emergency-notice').filter({ hasText: text }).waitFor();
    await drawer.getByTestId('emergency-close-open').click();
    const form = staff.page.getByTestId('emergency-close-modal');
    await form.getByTestId('emergency-close-cause').fill('市政管网爆管');
    await form.getByTestId('emergency-close-handling').fill('安排应急送水，11:30 恢复供水');
    await form.getByTestId('emergency-close-follow-up').fill('提前三天通知检修计划');
    await sent(
      staff.page,
      (p) => p.endsWith('/close'),
      () => form.locator('.ant-modal-footer .ant-btn-primary').click(),
      'close',
    );
    await drawer.getByTestId('emergency-closed').waitFor();
    expect(await drawer.getByTestId('emergency-notice-open').count()).toBe(0);
    expect(await noSideways(staff.page)).toBe(true);
    await staff.page.screenshot({ path: screenshotPath('front-desk-emergency-closed', dialect), fullPage: true });
    expect(staff.errors).toEqual([]);

    await page.reload();
    await page.getByText('我的房屋').first().waitFor();
    expect(await page.getByTestId('resident-notice').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
