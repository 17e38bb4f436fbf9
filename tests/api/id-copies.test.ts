import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../server/platform/calendar/calendar.ts';
import { describeEachDb, TestClock } from '../helpers/db.ts';
import { Client, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

/** An ID card-sized photo with some structure, so a stamp over it shows in the pixels. */
async function idPhoto(format: 'jpeg' | 'png' = 'jpeg') {
  const width = 856;
  const height = 540;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#dde7ef"/><rect x="560" y="90" width="220" height="280" fill="#9ab"/>
    <rect x="60" y="420" width="480" height="40" fill="#456"/></svg>`;
  const img = sharp(Buffer.from(svg));
  // A phone photo carries camera metadata; the stored original must not.
  return (format === 'png' ? img.png() : img.jpeg({ quality: 95 }).withExif({ IFD0: { Make: 'TestPhone', Model: 'X1' } })).toBuffer();
}

async function raw(buf: Buffer) {
  const { data, info } = await sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describeEachDb('ID copies: stored originals, stamped copies only, every fetch audited', (dialect) => {
  // 07:30 China time is the previous day in UTC: the stamp and the audit carry the local date.
  const clock = new TestClock(localDateTime('2026-12-01', '07:30'));
  let srv: TestServer;
  let yghy: string;
  let chy: string;
  let chyPerson: string;

  beforeAll(async () => {
    srv = await startTestServer({ dialect, clock });
    yghy = srv.demo.projectByCode.YGHY as string;
    chy = srv.demo.projectByCode.CHY as string;
    const other = await srv.ctx.db
      .selectFrom('occupancies')
      .select('person_id')
      .where('project_id', '=', chy)
      .where('person_id', 'not in', (eb) => eb.selectFrom('occupancies').select('person_id').where('project_id', '=', yghy))
      .limit(1)
      .executeTakeFirstOrThrow();
    chyPerson = other.person_id;
  });
  afterAll(() => srv?.close());

  async function demo(username: string) {
    const c = new Client(srv.url);
    expect((await c.login(username, DEMO_PASSWORD)).status).toBe(200);
    return c;
  }

  async function upload(
    c: Client,
    personId: string,
    data: Buffer,
    opts: { side?: string; note?: string; projectId?: string; filename?: string; type?: string; field?: string } = {},
  ) {
    const form = new FormData();
    if (opts.side) form.append('side', opts.side);
    if (opts.note) form.append('note', opts.note);
    if (opts.projectId) form.append('projectId', opts.projectId);
    form.append(opts.field ?? 'file', new Blob([new Uint8Array(data)], { type: opts.type ?? 'image/jpeg' }), opts.filename ?? 'id.jpg');
    const res = await fetch(`${srv.url}/api/people/${personId}/id-copies`, {
      method: 'POST',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': c.csrf },
      body: form,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function fetchRaw(c: Client, path: string) {
    const res = await fetch(srv.url + path, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
  }

  async function copyCount() {
    const r = await srv.ctx.db
      .selectFrom('id_copies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async function events(action: string, entityId: string) {
    return srv.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .execute();
  }

  it('receptionist: uploads the front of an owner’s ID card; the list shows it without image data; the upload is audited without the image', async () => {
    const qiantai = await demo('qiantai');
    const photo = await idPhoto();
    const r = await upload(qiantai, srv.people.ownerId, photo, { side: 'front', note: '办理入住' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      side: 'front',
      note: '办理入住',
      width: 856,
      height: 540,
      uploadedAt: clock.now(),
      uploadedBy: { name: '林晓雯' },
      project: { id: yghy, name: '阳光花园' },
    });

    const list = await qiantai.get(`/api/people/${srv.people.ownerId}/id-copies`);
    expect(list.status).toBe(200);
    expect(list.body.map((x: { id: string }) => x.id)).toContain(r.body.id);
    const text = JSON.stringify(list.body);
    expect(text.length).toBeLessThan(2000);
    expect(text).not.toMatch(/base64|data:image|[A-Za-z0-9+/]{200}/);

    const [ev] = await events('id_copy.uploaded', r.body.id);
    expect(ev).toBeDefined();
    expect(JSON.parse(ev?.after_json ?? '{}')).toMatchObject({ personId: srv.people.ownerId, projectId: yghy, side: 'front' });
    expect(ev?.after_json?.length ?? 0).toBeLessThan(500);
    expect(ev?.actor_name).toContain('qiantai');

    // Stored in its own folder, upright, without the camera's metadata, pixels kept.
    const row = await srv.ctx.db.selectFrom('id_copies').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    const path = join(srv.ctx.dataDir, 'id-copies', row.file_name);
    expect(existsSync(path)).toBe(true);
    const stored = readFileSync(path);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(row.sha256);
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height]).toEqual([856, 540]);
    expect(meta.exif).toBeUndefined();
    expect(await srv.ctx.db.selectFrom('attachments').select('id').where('id', '=', r.body.id).executeTakeFirst()).toBeUndefined();
  });

  it('receptionist: fetches a stamped copy with a purpose: a JPEG of the same size, not the original, stamped across the image, never cached', async () => {
    const qiantai = await demo('qiantai');
    const photo = await idPhoto('png');
    const up = await upload(qiantai, srv.people.ownerId, photo, { side: 'back', filename: 'back.png', type: 'image/png' });
    expect(up.status).toBe(201);
    const row = await srv.ctx.db.selectFrom('id_copies').selectAll().where('id', '=', up.body.id).executeTakeFirstOrThrow();
    const original = readFileSync(join(srv.ctx.dataDir, 'id-copies', row.file_name));

    const res = await fetchRaw(qiantai, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent('办理入住')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(res.data.equals(original)).toBe(false);
    expect(res.data.equals(photo)).toBe(false);
    const meta = await sharp(res.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 856, 540]);

    // The stamp covers the image: a large share of pixels differ from the original, and the
    // ink is there in every quarter of the picture.
    const a = await raw(original);
    const b = await raw(res.data);
    const quarters = [0, 0, 0, 0];
    let changed = 0;
    for (let y = 0; y < a.height; y++)
      for (let x = 0; x < a.width; x++) {
        const i = (y * a.width + x) * 3;
        const d =
          Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0)) +
          Math.abs((a.data[i + 1] ?? 0) - (b.data[i + 1] ?? 0)) +
          Math.abs((a.data[i + 2] ?? 0) - (b.data[i + 2] ?? 0));
        if (d > 40) {
          changed++;
          const q = (y < a.height / 2 ? 0 : 2) + (x < a.width / 2 ? 0 : 1);
          quarters[q] = (quarters[q] ?? 0) + 1;
        }
      }
    expect(changed / (a.width * a.height)).toBeGreaterThan(0.05);
    for (const q of quarters) expect(q).toBeGreaterThan(500);

    const dl = await fetchRaw(qiantai, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent('银行开户')}&download=1`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(dl.headers.get('content-disposition')).toContain(encodeURIComponent('银行开户'));
    expect(dl.data.equals(res.data)).toBe(false);
  });

  it('supervisor and manager: every fetch is its own audit event with the purpose, who, when and the China-local date', async () => {
    const qiantai = await demo('qiantai');
    const up = await upload(qiantai, srv.people.ownerId, await idPhoto());
    expect(up.status).toBe(201);
    const supervisor = await demo('kefuzhuguan');
    const manager = await demo('jingli');
    for (const [c, purpose] of [
      [supervisor, '办理装修'],
      [supervisor, '办理装修'],
      [manager, '车位租赁'],
    ] as const) {
      const r = await fetchRaw(c, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent(purpose)}`);
      expect(r.status).toBe(200);
    }
    const evs = await events('id_copy.fetched', up.body.id);
    expect(evs).toHaveLength(3);
    expect(evs.map((e) => JSON.parse(e.after_json ?? '{}').purpose)).toEqual(['办理装修', '办理装修', '车位租赁']);
    expect(evs.map((e) => e.actor_name)).toEqual([
      expect.stringContaining('kefuzhuguan'),
      expect.stringContaining('kefuzhuguan'),
      expect.stringContaining('jingli'),
    ]);
    for (const e of evs) {
      expect(e.at).toBe(clock.now());
      expect(e.entity).toBe('id_copy');
      expect(e.ip).not.toBe('');
      expect(JSON.parse(e.after_json ?? '{}')).toMatchObject({
        date: '2026-12-01',
        personId: srv.people.ownerId,
        projectId: yghy,
        download: false,
      });
    }
  });

  it('receptionist: a missing, blank, too long or unprintable purpose is a 400 naming purpose, and nothing is sent or audited', async () => {
    const qiantai = await demo('qiantai');
    const up = await upload(qiantai, srv.people.ownerId, await idPhoto());
    for (const q of [
      '',
      '?purpose=',
      `?purpose=${encodeURIComponent('   ')}`,
      `?purpose=${encodeURIComponent('办'.repeat(31))}`,
      `?purpose=${encodeURIComponent('办理\uE000入住')}`,
      `?purpose=${encodeURIComponent('办理\n入住')}`,
    ]) {
      const r = await qiantai.get(`/api/id-copies/${up.body.id}/stamped${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.fields.purpose, q).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(await events('id_copy.fetched', up.body.id)).toHaveLength(0);
    // Thirty characters is the most a purpose may have.
    const ok = await fetchRaw(qiantai, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent('办'.repeat(30))}`);
    expect(ok.status).toBe(200);
  });

  it('anyone: the original is never served by a file route or a static path', async () => {
    const qiantai = await demo('qiantai');
    const up = await upload(qiantai, srv.people.ownerId, await idPhoto());
    const row = await srv.ctx.db.selectFrom('id_copies').selectAll().where('id', '=', up.body.id).executeTakeFirstOrThrow();
    const original = readFileSync(join(srv.ctx.dataDir, 'id-copies', row.file_name));
    for (const path of [
      `/api/files/${up.body.id}`,
      `/api/files/${up.body.id}/thumb`,
      `/id-copies/${row.file_name}`,
      `/data/id-copies/${row.file_name}`,
      `/api/id-copies/${up.body.id}`,
      `/api/id-copies/${up.body.id}/original`,
    ]) {
      const r = await fetchRaw(qiantai, path);
      expect(r.data.equals(original), path).toBe(false);
      expect(r.headers.get('content-type') ?? '', path).not.toMatch(/^image\//);
    }
  });

  it('technician, gate guard and resident: 403 on upload, list and stamped fetch', async () => {
    const qiantai = await demo('qiantai');
    const up = await upload(qiantai, srv.people.ownerId, await idPhoto());
    for (const username of ['weixiu', 'menggang', 'yezhu']) {
      const c = await demo(username);
      expect((await upload(c, srv.people.ownerId, await idPhoto())).status, username).toBe(403);
      expect((await c.get(`/api/people/${srv.people.ownerId}/id-copies`)).status, username).toBe(403);
      const r = await fetchRaw(c, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent('办理入住')}`);
      expect(r.status, username).toBe(403);
    }
    expect(await events('id_copy.fetched', up.body.id)).toHaveLength(0);
  });

  it('receptionist of 阳光花园: a 翠湖苑 person and a 翠湖苑 copy are 404; an unknown person too', async () => {
    const qiantai = await demo('qiantai');
    expect((await upload(qiantai, chyPerson, await idPhoto())).status).toBe(404);
    expect((await qiantai.get(`/api/people/${chyPerson}/id-copies`)).status).toBe(404);
    expect((await upload(qiantai, 'no-such-person', await idPhoto())).status).toBe(404);

    const chyDesk = await srv.makeUser('receptionist', { projectIds: [chy] });
    const c = new Client(srv.url);
    expect((await c.login(chyDesk.username, chyDesk.password)).status).toBe(200);
    const up = await upload(c, chyPerson, await idPhoto(), { side: 'front' });
    expect(up.status).toBe(201);
    expect(up.body.project).toEqual({ id: chy, name: '翠湖苑' });
    const r = await fetchRaw(qiantai, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent('办理入住')}`);
    expect(r.status).toBe(404);
    expect((await fetchRaw(c, `/api/id-copies/${up.body.id}/stamped?purpose=${encodeURIComponent('办理入住')}`)).status).toBe(200);
    // 阳光花园 is not a project the 翠湖苑 desk may name for the copy.
    expect((await upload(c, chyPerson, await idPhoto(), { projectId: yghy })).status).toBe(400);
  });

  it('receptionist: a file that is not an image, an empty upload, a wrong side or a JSON body is refused with the field named', async () => {
    const qiantai = await demo('qiantai');
    const before = await copyCount();
    const text = await upload(qiantai, srv.people.ownerId, Buffer.from('这不是图片，只是一段文字'), {
      filename: 'id.jpg',
      type: 'image/jpeg',
    });
    expect(text.status).toBe(400);
    expect(text.body.error.fields.file).toMatch(/[\u4e00-\u9fa5]/);
    const broken = (await idPhoto()).subarray(0, 400);
    const cut = await upload(qiantai, srv.people.ownerId, broken);
    expect(cut.status).toBe(400);
    expect(cut.body.error.fields.file).toBeDefined();
    expect((await upload(qiantai, srv.people.ownerId, Buffer.alloc(0))).status).toBe(400);
    const side = await upload(qiantai, srv.people.ownerId, await idPhoto(), { side: 'left' });
    expect(side.status).toBe(400);
    expect(side.body.error.fields.side).toBeDefined();
    const noFile = await upload(qiantai, srv.people.ownerId, await idPhoto(), { field: 'photo' });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.fields.file).toBeDefined();
    const json = await qiantai.post(`/api/people/${srv.people.ownerId}/id-copies`, { file: 'x' });
    expect(json.status).toBe(415);
    expect(await copyCount()).toBe(before);
  });
});
