import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, screenshotPath, sent } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const LEAK = '卫生间天花板漏水';

/**
 * The whole page as a phone shows it. The window is stretched to the page's height first:
 * a full-page capture of a short window would paint the tab bar over the middle of the page.
 */
async function shot(page: Page, name: string, dialect: string) {
  const path = screenshotPath(name, dialect);
  const size = page.viewportSize() ?? { width: 390, height: 844 };
  await page.evaluate(() => window.scrollTo(0, 0));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await page.screenshot({ path });
  await page.setViewportSize(size);
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
}

/** A photo as a phone would take it: a wet stain on a ceiling, more or less. */
async function leakPhoto(dir: string): Promise<string> {
  const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 236, g: 236, b: 232 } } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="640" height="480"><ellipse cx="320" cy="220" rx="150" ry="90" fill="#9a8f7a" opacity="0.6"/></svg>',
        ),
      },
    ])
    .png()
    .toBuffer();
  const file = join(dir, 'leak.png');
  writeFileSync(file, png);
  return file;
}

/** The resident's signature on the technician's phone: a stroke on white. */
async function signature(): Promise<string> {
  const png = await sharp({ create: { width: 300, height: 120, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="300" height="120"><path d="M10 90 C 60 10, 120 110, 290 30" stroke="black" fill="none" stroke-width="4"/></svg>',
        ),
      },
    ])
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** R-RA-1, R-RP-1, R-RP-6: a resident reports a repair on the phone, follows it to completion and rates it. */
describeEachDb('resident on the phone: repair report, progress and rating', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let photo: string;
  const pageErrors: string[] = [];
  const as: Record<string, Client> = {};
  let weixiuId: string;
  let requestId: string;
  let number: string;
  let othersRequest: { id: string; number: string };

  const act = async (who: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const cur = await as[who]!.get(`/api/requests/${id}`);
    const r = await as[who]!.post(`/api/requests/${id}/actions/${action}`, { version: cur.body.version, ...body });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    for (const u of ['qiantai', 'weixiu', 'yezhu']) {
      as[u] = new Client(srv.url);
      expect((await as[u].login(u, DEMO_PASSWORD)).status).toBe(200);
    }
    const db = srv.ctx.db;
    const yghy = srv.demo.projectByCode.YGHY as string;
    weixiuId = (await db.selectFrom('users').select('id').where('username', '=', 'weixiu').executeTakeFirstOrThrow()).id;
    const mine = await db
      .selectFrom('users')
      .innerJoin('occupancies', 'occupancies.person_id', 'users.person_id')
      .select(['occupancies.unit_id', 'occupancies.person_id'])
      .where('users.username', '=', 'yezhu')
      .execute();
    const myPerson = mine[0]!.person_id;
    // A neighbour's repair, registered at the counter: the resident must not see it.
    const other = await db
      .selectFrom('occupancies')
      .innerJoin('units', 'units.id', 'occupancies.unit_id')
      .select(['occupancies.unit_id', 'occupancies.person_id'])
      .where('units.project_id', '=', yghy)
      .where('occupancies.end_date', 'is', null)
      .where('occupancies.person_id', '!=', myPerson)
      .where(
        'occupancies.unit_id',
        'not in',
        mine.map((m) => m.unit_id),
      )
      .orderBy('units.number')
      .executeTakeFirstOrThrow();
    const created = await as.qiantai!.post('/api/requests', {
      projectId: yghy,
      kind: 'repair',
      channel: 'counter',
      unitId: other.unit_id,
      requesterPersonId: other.person_id,
      content: '阳台推拉门滑轮损坏',
      readBackConfirmed: true,
    });
    expect(created.status).toBe(201);
    othersRequest = { id: created.body.id, number: created.body.number };

    dir = mkdtempSync(join(tmpdir(), 'wuye-resident-'));
    photo = await leakPhoto(dir);
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a leak in 3-1-1502 with a photo and gets the number and the 10-minute promise', async () => {
    await page.goto(`${srv.url}/login`);
    await page.getByTestId('login-username').fill('yezhu');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('my-unit').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/m');

    await page.getByTestId('resident-tabs').getByTestId('tab-report').click();
    const form = page.getByTestId('report-form');
    await form.waitFor();
    expect(new URL(page.url()).pathname).toBe('/m/report');
    // The resident's own unit is chosen; in-unit is the default scope.
    expect(
      await page
        .getByTestId('report-unit')
        .getByRole('radio', { name: /3-1-1502/ })
        .isChecked(),
    ).toBe(true);
    expect(await page.getByTestId('report-scope').getByRole('radio', { name: '室内' }).isChecked()).toBe(true);
    // Common areas offer their own categories and ask where.
    await page.getByTestId('report-scope').getByText('公共设施').click();
    await page.getByTestId('report-category').getByText('电梯').waitFor();
    await page.getByTestId('report-location').waitFor();
    await page.getByTestId('report-scope').getByText('室内').click();
    await page.getByTestId('report-category').getByText('洗手间漏水').click();
    expect(await page.getByTestId('report-location').count()).toBe(0);

    // Sending without a description is stopped in the form.
    await page.getByTestId('report-submit').click();
    await form.getByText('请描述需要维修的问题').waitFor();

    await page.getByTestId('report-content').fill(LEAK);
    await page.getByTestId('report-time-chips').getByText('今天下午').click();
    expect(await page.getByTestId('report-time').inputValue()).toBe('今天下午');
    expect(await page.getByTestId('photo-input').getAttribute('accept')).toBe('image/*');
    expect(await page.getByTestId('photo-camera-input').getAttribute('capture')).toBe('environment');
    await page.getByTestId('photo-input').setInputFiles(photo);
    await page.locator('[data-testid="photo-thumb"][data-status="done"]').waitFor();
    await shot(page, 'resident-report', dialect);

    await sent(
      page,
      (path) => path === '/api/me/requests',
      () => page.getByTestId('report-submit').click(),
      'report',
    );
    const refused = page.locator('.ant-message-error');
    await page.getByTestId('report-number').or(refused).first().waitFor();
    if (await refused.count()) throw new Error(`the report was refused: ${await refused.first().innerText()}`);
    number = (await page.getByTestId('report-number').getAttribute('data-number')) ?? '';
    expect(number).toMatch(/^BX-\d{4}-\d{4}$/);
    expect(await page.getByTestId('report-number').innerText()).toContain(number);
    expect(await page.getByTestId('report-promise').innerText()).toBe('服务中心将在 10 分钟内答复您上门人员和时间');
    await shot(page, 'resident-report-done', dialect);

    // The service center sees it as a portal repair with the photo and the 10-minute answer running.
    const found = await as.qiantai!.get(`/api/requests?number=${number}`);
    expect(found.body.items).toHaveLength(1);
    requestId = found.body.items[0].id;
    const r = (await as.qiantai!.get(`/api/requests/${requestId}`)).body;
    expect(r).toMatchObject({
      kind: 'repair',
      channel: 'portal',
      status: 'registered',
      unitNumber: '3-1-1502',
      content: LEAK,
      preferredTime: '今天下午',
      requesterName: '李明华',
    });
    expect(r.categoryPath).toContain('洗手间漏水');
    expect(r.detail.scope).toBe('in_unit');
    expect(r.photos).toHaveLength(1);
    const img = await as.qiantai!.request('GET', r.photos[0].url);
    expect(img.status).toBe(200);
    expect(r.deadlines).toHaveLength(1);
    expect(r.deadlines[0]).toMatchObject({ kind: 'repair.response', status: 'running', dueAt: r.createdAt + 10 * MIN });

    // The link opens the request with the promise still running and nothing to rate yet.
    await page.getByTestId('report-view').click();
    await page.getByTestId('request-number').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/m/requests/${requestId}`);
    expect(await page.getByTestId('request-number').innerText()).toBe(number);
    expect(await page.locator('[data-testid="promise"][data-kind="repair.response"]').innerText()).toContain('前答复您');
    expect(await page.getByTestId('request-photo').count()).toBe(1);
    expect(await page.getByTestId('rating-form').count()).toBe(0);
  });

  it('follows the repair to completion and rates it once', async () => {
    // The service center assesses and dispatches, telling the resident; the technician does the job.
    await act('qiantai', requestId, 'mark_free', { scope: 'in_unit', reason: '住户室内漏水，属保修范围' });
    const appointmentAt = Date.now() + 120 * MIN;
    const dispatched = await act('qiantai', requestId, 'dispatch', { assigneeId: weixiuId, appointmentAt, informed: true });
    expect(dispatched.deadlines[0]).toMatchObject({ kind: 'repair.response', status: 'met', breachedAt: null });
    for (const step of ['accept', 'depart', 'arrive']) await act('weixiu', requestId, step);
    await act('weixiu', requestId, 'complete', {});
    const signed = await act('weixiu', requestId, 'sign', { signature: await signature() });
    expect(signed.status).toBe('signed');

    await page.getByTestId('resident-tabs').getByTestId('tab-requests').click();
    const card = page.locator(`[data-testid="request-card"][data-number="${number}"]`);
    await card.waitFor();
    expect(await card.innerText()).toContain(LEAK);
    expect(await card.getByTestId('status').innerText()).toBe('住户已签字，待确认');
    // Only the resident's own: the neighbour's repair is not listed.
    expect(await page.locator(`[data-testid="request-card"][data-number="${othersRequest.number}"]`).count()).toBe(0);
    await shot(page, 'resident-requests', dialect);

    await card.click();
    await page.getByTestId('request-progress').waitFor();
    await page.locator('[data-testid="progress-step"][data-type="sign"]').waitFor();
    const steps = await page.getByTestId('progress-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    for (const type of ['created', 'mark_free', 'dispatch', 'accept', 'depart', 'arrive', 'complete', 'sign'])
      expect(steps).toContain(type);
    // Newest first, in plain words; staff are named as the service center.
    expect(steps[0]).toBe('sign');
    const progress = await page.getByTestId('request-progress').innerText();
    for (const words of ['已登记您的维修事项', '经判定为免费维修', '已安排维修师傅', '维修师傅已出发', '维修已完成', '您已签字验收'])
      expect(progress).toContain(words);
    expect(progress).toContain('物业服务中心');
    expect(progress).toContain('本人');
    expect(progress).not.toContain('qiantai');
    expect(await page.getByTestId('request-facts').innerText()).toContain('免费维修');
    expect(await page.locator('[data-testid="promise"][data-kind="repair.response"]').getAttribute('data-status')).toBe('met');
    // The signature is kept with the request but is not shown among the photos.
    expect(await page.getByTestId('request-photo').count()).toBe(1);

    const rating = page.getByTestId('rating-form');
    await rating.waitFor();
    // All three scores are needed.
    await rating.getByTestId('rate-submit').click();
    await rating.getByText('请为每一项打分').first().waitFor();
    const star = (aspect: string, n: number) =>
      page
        .getByTestId(`rate-${aspect}`)
        .locator('li.ant-rate-star')
        .nth(n - 1);
    // A tap can be lost on a busy phone: each score is checked, and tapped again if it did not take.
    for (const [aspect, n] of [
      ['overall', 5],
      ['speed', 4],
      ['attitude', 5],
    ] as const) {
      for (let attempt = 0; attempt < 3 && !(await star(aspect, n).getAttribute('class'))?.includes('ant-rate-star-full'); attempt++)
        await star(aspect, n).click();
      expect(await star(aspect, n).getAttribute('class')).toContain('ant-rate-star-full');
    }
    await page.getByTestId('rate-comment').fill('师傅准时上门，处理干净利落');
    await sent(
      page,
      (path) => path.endsWith('/rating'),
      () => rating.getByTestId('rate-submit').click(),
      'rating',
    );
    const done = page.getByTestId('rating-done');
    await done.or(page.locator('.ant-message-error')).first().waitFor();
    expect(
      await done.count(),
      await page
        .locator('.ant-message-error')
        .allInnerTexts()
        .then((m) => m.join()),
    ).toBe(1);
    expect(await done.getByTestId('rated-overall').getAttribute('data-value')).toBe('5');
    expect(await done.getByTestId('rated-speed').getAttribute('data-value')).toBe('4');
    expect(await done.getByTestId('rated-attitude').getAttribute('data-value')).toBe('5');
    expect(await done.getByTestId('rated-comment').innerText()).toBe('师傅准时上门，处理干净利落');
    expect(await done.locator('.ant-rate-disabled').count()).toBe(3);
    await page.getByTestId('progress-step').first().and(page.locator('[data-type="rate"]')).waitFor();
    await shot(page, 'resident-rating', dialect);

    const stored = (await as.qiantai!.get(`/api/requests/${requestId}`)).body;
    expect(stored.detail).toMatchObject({
      ratingOverall: 5,
      ratingSpeed: 4,
      ratingAttitude: 5,
      ratingComment: '师傅准时上门，处理干净利落',
    });
    expect(typeof stored.detail.ratedAt).toBe('number');
    const again = await as.yezhu!.post(`/api/me/requests/${requestId}/rating`, { overall: 1, speed: 1, attitude: 1 });
    expect(again.status).toBe(409);
    expect((await as.qiantai!.get(`/api/requests/${requestId}`)).body.detail.ratingOverall).toBe(5);

    // After a reload the stars are shown as given, with no form.
    await page.reload();
    await page.getByTestId('rating-done').waitFor();
    expect(await page.getByTestId('rating-form').count()).toBe(0);
  });

  it("cannot open a neighbour's request", async () => {
    await page.goto(`${srv.url}/m/requests/${othersRequest.id}`);
    const error = page.getByTestId('request-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('事项不存在或无权查看');
    expect(await page.getByTestId('request-number').count()).toBe(0);
    expect((await as.yezhu!.get(`/api/requests/${othersRequest.id}`)).status).toBe(404);
    expect(pageErrors).toEqual([]);
  });
});
