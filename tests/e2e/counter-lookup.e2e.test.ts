import { existsSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, screenshotPath } from '../helpers/browser.ts';
import { describeEachDb } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Resident {
  name: string;
  phoneLast4: string;
  idNumber: string;
  unitNumber: string;
}

describeEachDb('counter look-up in the browser', (dialect) => {
  let srv: TestServer;
  let browser: Browser;
  let login: { username: string; password: string };
  let resident: Resident;

  beforeAll(async () => {
    ensureWebBuilt();
    srv = await startTestServer({ dialect });
    const yghy = srv.demo.projectByCode.YGHY as string;
    login = await srv.makeUser('receptionist', { projectIds: [yghy] });

    const rows = await srv.ctx.db
      .selectFrom('people')
      .innerJoin('occupancies', 'occupancies.person_id', 'people.id')
      .innerJoin('units', 'units.id', 'occupancies.unit_id')
      .select([
        'people.name',
        'people.phone_last4 as phoneLast4',
        'people.id_number as idNumber',
        'units.number as unitNumber',
        'units.room as room',
      ])
      .where('occupancies.project_id', '=', yghy)
      .where('occupancies.end_date', 'is', null)
      .where('people.id_type', '=', 'resident_id')
      .where('people.id_number', '!=', '')
      .orderBy('people.id')
      .execute();
    // The four digits must point at one resident and not read as a room number, so
    // the card to open is found by its unit number and matched by the phone.
    const rooms = new Set(rows.map((r) => r.room));
    const perLast4 = new Map<string, number>();
    for (const r of rows) perLast4.set(r.phoneLast4, (perLast4.get(r.phoneLast4) ?? 0) + 1);
    const pick = rows.find((r) => perLast4.get(r.phoneLast4) === 1 && !rooms.has(r.phoneLast4));
    if (!pick) throw new Error('the demo data has no resident with a distinct phone ending');
    resident = pick;

    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('receptionist: finds a unit by the last four phone digits and sees the ID masked', async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 860 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${srv.url}/login`);
    await page.getByTestId('login-username').fill(login.username);
    await page.getByTestId('login-password').fill(login.password);
    await page.getByTestId('login-submit').click();

    const search = page.getByTestId('lookup-input');
    await search.waitFor();
    await search.fill(resident.phoneLast4);

    const card = page.getByTestId('lookup-hit').filter({
      has: page.locator('.unit-number', { hasText: new RegExp(`^${escapeRe(resident.unitNumber)}$`) }),
    });
    await card.waitFor();
    expect(await card.innerText()).toContain(resident.name);
    expect(await card.innerText()).toContain('手机尾号');
    await card.click();

    const title = page.getByTestId('unit-title');
    await title.waitFor();
    expect(await title.innerText()).toContain(resident.unitNumber);
    const row = page.getByTestId('occupant-row').filter({ hasText: resident.name });
    await row.first().waitFor();
    await row.first().getByRole('link', { name: resident.name, exact: true }).click();

    const idField = page.getByTestId('person-id-number');
    await idField.waitFor();
    const shown = await idField.innerText();
    expect(shown).toContain('*');
    expect(shown).not.toContain(resident.idNumber);
    expect(shown.endsWith(resident.idNumber.slice(-4))).toBe(true);
    // a receptionist may not reveal ID numbers: the button is not offered at all
    expect(await page.getByTestId('reveal-id').count()).toBe(0);

    const shot = screenshotPath('counter-lookup', dialect);
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    expect(statSync(shot).size).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
