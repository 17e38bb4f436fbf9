import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, screenshotPath, sent, signIn } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

describeEachDb('ID copies in the browser', (dialect) => {
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

  it('receptionist on a phone: photographs the ID card, asks for a copy for 办理入住, sees it stamped and downloads it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, acceptDownloads: true });
    const page = await ctx.newPage();
    try {
      await signIn(page, srv.url, 'qiantai', DEMO_PASSWORD, `/people/${srv.people.ownerId}`);
      const section = page.getByTestId('idcopy-section');
      await expect.poll(() => section.isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await page.getByTestId('idcopy-camera-input').getAttribute('capture')).toBe('environment');

      const card = await sharp({ create: { width: 856, height: 540, channels: 3, background: '#dfe9f2' } })
        .jpeg()
        .toBuffer();
      await sent(
        page,
        (p) => p.endsWith('/id-copies'),
        () => page.getByTestId('idcopy-camera-input').setInputFiles({ name: 'card.jpg', mimeType: 'image/jpeg', buffer: card }),
        'upload',
      );
      const row = page.getByTestId('idcopy-row').first();
      await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(true);
      const id = (await row.getAttribute('data-id')) as string;

      await page.getByTestId(`idcopy-open-${id}`).click();
      // The purpose is required before anything is fetched.
      await page.getByTestId('idcopy-purpose-ok').click();
      await expect.poll(() => page.getByTestId('idcopy-purpose-modal').getByText('请填写用途').isVisible()).toBe(true);
      await page.getByTestId('idcopy-preset-checkin').click();
      expect(await page.getByTestId('idcopy-purpose').inputValue()).toBe('办理入住');
      const shown = page.waitForResponse((r) => r.url().includes(`/api/id-copies/${id}/stamped`));
      await page.getByTestId('idcopy-purpose-ok').click();
      expect((await shown).status()).toBe(200);
      const img = page.getByTestId('idcopy-image');
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(856);
      await expect.poll(() => page.getByTestId('idcopy-purpose-modal').isVisible()).toBe(false);
      await page.waitForTimeout(400);
      await page.screenshot({ path: screenshotPath('id-copy-phone', dialect) });

      const download = page.waitForEvent('download');
      await page.getByTestId('idcopy-download').click();
      expect((await download).suggestedFilename()).toMatch(/^身份证复印件_办理入住_\d{4}-\d{2}-\d{2}\.jpg$/);

      const fetched = await srv.ctx.db
        .selectFrom('audit_events')
        .select('after_json')
        .where('action', '=', 'id_copy.fetched')
        .where('entity_id', '=', id)
        .orderBy('seq')
        .execute();
      expect(fetched.map((e) => JSON.parse(e.after_json ?? '{}')).map((a) => [a.purpose, a.download])).toEqual([
        ['办理入住', false],
        ['办理入住', true],
      ]);
    } finally {
      await ctx.close();
    }
  });

  it('technician: the person page shows no ID copy section', async () => {
    const page = await browser.newPage();
    try {
      await signIn(page, srv.url, 'weixiu', DEMO_PASSWORD, `/people/${srv.people.ownerId}`);
      await expect.poll(() => page.getByTestId('person-title').isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await page.getByTestId('idcopy-section').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
