import { randomInt } from 'node:crypto';
import { maskPhone } from '../../platform/access/mask.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import { addDays, localDateTime, toLocalDate } from '../../platform/calendar/calendar.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { ReleaseTable } from '../../platform/db/types.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { conflict, fieldError, forbidden, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { LiveEvent } from '../../platform/live/live.ts';
import { notify } from '../../platform/notify/notify.ts';
import { type Audit, casUpdate, write } from '../../platform/write.ts';
import { nextSerial } from '../requests/numbers.ts';
import { currentOccupancies, projectUsersByRole } from '../requests/requests.service.ts';
import type {
  CheckReason,
  ReleaseAction,
  ReleaseCreateInput,
  ReleaseListQuery,
  ReleasePath,
  ReleaseStatus,
  Standing,
} from './releases.schema.ts';

type ReleaseRow = ReleaseTable;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A slip is for one move, not a standing pass: its window is at most this long. */
export const MAX_WINDOW_MS = 3 * DAY;
/** How far ahead an application may be made. */
const MAX_LEAD_MS = 30 * DAY;

/** No 0/O, 1/I/L: a guard reading the code aloud or typing it cannot confuse two characters. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

export const STATUS_LABEL: Record<ReleaseStatus, string> = {
  pending: '待核实',
  verified: '已核实，待批准',
  approved: '已批准',
  refused: '不予放行',
  used: '已使用',
};

const STANDING_LABEL: Record<Standing, string> = {
  owner: '业主',
  decoration_lead: '装修负责人',
  tenant: '租户',
  other: '其他人',
  staff: '内部施工/送货人员',
};

const DOCUMENT_LABEL: Record<string, string> = {
  id_card: '身份证',
  property_certificate: '房产证明',
  decoration_permit: '装修许可证',
  work_card: '工作证',
  other: '其他证件',
};

const REASON_TEXT: Record<CheckReason, string> = {
  used: '已使用',
  expired: '已过期',
  not_yet_valid: '尚未生效',
  refused: '未获批准，不予放行',
  pending: '尚在审核，未批准',
  other_project: '非本项目的放行条',
  unknown: '放行码无效',
};

const USE_REFUSED: Record<CheckReason, string> = {
  used: '放行条已使用',
  expired: '放行条已过期，不能放行',
  not_yet_valid: '放行条尚未生效，不能放行',
  refused: '该申请未获批准，不予放行',
  pending: '该申请尚在审核，不能放行',
  other_project: '非本项目的放行条',
  unknown: '放行码无效',
};

/** The step the desk takes first, by how the applicant is to be verified. */
const FIRST_STEP: Record<ReleasePath, ReleaseAction> = {
  identity: 'verify_identity',
  letter: 'check_letter',
  owner_call: 'owner_call',
  company_call: 'head_call',
};

export function newCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** Whatever was typed or scanned, as letters and digits only: `abcd-efgh` and `ABCDEFGH` are one code. */
export function normalizeCode(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 32);
}

const PLATE = /^[\u4e00-\u9fa5][A-Z][A-Z0-9]{4,6}[\u4e00-\u9fa5]?$/;

/** 粤B 12345, 粤b·12345 → 粤B12345; checked loosely (province, letter, 4–6 letters or digits, an optional 挂/学…). */
export function normalizePlate(raw: string): string {
  return raw.replace(/[\s·•.\-_]/g, '').toUpperCase();
}

function isOpen(status: string): number {
  return status === 'pending' || status === 'verified' ? 1 : 0;
}

/** The display state: an approved slip outside its window reads as not yet valid or expired. */
function stateOf(r: Pick<ReleaseRow, 'status' | 'valid_from' | 'valid_until'>, now: number) {
  if (r.status !== 'approved') return r.status as ReleaseStatus;
  if (now < r.valid_from) return 'not_yet_valid' as const;
  if (now > r.valid_until) return 'expired' as const;
  return 'approved' as const;
}

export function allowedActions(r: Pick<ReleaseRow, 'status' | 'path' | 'valid_until'>, now: number): ReleaseAction[] {
  if (r.status === 'pending') return [FIRST_STEP[r.path as ReleasePath], 'refuse'];
  if (r.status === 'verified') return now > r.valid_until ? ['refuse'] : ['approve', 'refuse'];
  return [];
}

/** Why a slip cannot be used now, or null when it can. */
function reasonOf(viewer: Viewer, r: ReleaseRow, now: number): CheckReason | null {
  if (!inProject(viewer, r.project_id)) return 'other_project';
  if (r.status === 'refused') return 'refused';
  if (r.status === 'pending' || r.status === 'verified') return 'pending';
  if (r.status === 'used') return 'used';
  if (now < r.valid_from) return 'not_yet_valid';
  if (now > r.valid_until) return 'expired';
  return null;
}

function endOfChinaDay(instant: number): number {
  return localDateTime(addDays(toLocalDate(instant), 1), '00:00') - 1;
}

// ---------- application ----------

interface Applicant {
  name: string;
  phone: string;
  personId: string | null;
}

/** Which verification the application takes: fixed here, so the desk cannot skip to a shorter one. */
function pathFor(input: ReleaseCreateInput): ReleasePath {
  const { standing } = input;
  if (standing === 'owner' || standing === 'decoration_lead') {
    if (input.path && input.path !== 'identity') throw fieldError('path', '业主或登记的装修负责人本人申请，由服务中心核实身份');
    return 'identity';
  }
  if (standing === 'staff') {
    if (input.path && input.path !== 'company_call') throw fieldError('path', '内部施工或送货人员须致电其单位或部门负责人核实');
    if (!input.company) throw fieldError('company', '请填写所属单位或部门');
    return 'company_call';
  }
  const path = input.path ?? (input.letterFileId ? 'letter' : 'owner_call');
  if (path !== 'letter' && path !== 'owner_call') throw fieldError('path', '非业主申请须持业主委托书，或由服务中心致电业主确认');
  return path;
}

function checkWindow(input: ReleaseCreateInput, now: number): { from: number; until: number } {
  const from = input.validFrom ?? now;
  const until = input.validUntil ?? endOfChinaDay(from);
  // A minute's grace: a phone's clock a little ahead of the server's must not fail the form.
  if (from < now - HOUR) throw fieldError('validFrom', '有效期开始不能早于现在');
  if (from > now + MAX_LEAD_MS) throw fieldError('validFrom', '最多提前 30 天申请');
  if (until <= from) throw fieldError('validUntil', '有效期结束须晚于开始');
  if (until <= now) throw fieldError('validUntil', '有效期结束须晚于现在');
  if (until - from > MAX_WINDOW_MS) throw fieldError('validUntil', '放行有效期最长 3 天');
  return { from, until };
}

async function uniqueCode(tx: Tx): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const code = newCode();
    const taken = await tx.selectFrom('releases').select('id').where('code', '=', code).executeTakeFirst();
    if (!taken) return code;
  }
  // 31^8 codes: reaching this means the random source is broken, not that the codes ran out.
  throw new Error('could not draw a free release code');
}

/** Takes the applicant's own, not yet used upload as this release's letter; anything else names the field. */
async function claimLetter(tx: Tx, fileId: string, userId: string, projectId: string) {
  const res = await tx
    .updateTable('attachments')
    .set({ purpose: 'release_letter', project_id: projectId })
    .where('id', '=', fileId)
    .where('uploaded_by', '=', userId)
    .where('request_id', 'is', null)
    .where('purpose', '=', 'request_photo')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw fieldError('letterFileId', '委托书照片不存在或已被使用，请重新上传');
}

interface EventInput {
  type: string;
  from?: string | null;
  to?: string | null;
  answer?: string | null;
  contactName?: string;
  contactNumber?: string;
  contactedAt?: number | null;
  note?: string;
}

/** Appends one step to the release's own history. Callers have changed the release row first, so its lock orders the steps. */
async function appendEvent(tx: Tx, releaseId: string, actor: Actor, e: EventInput, at: number) {
  const last = await tx
    .selectFrom('release_events')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
  await tx
    .insertInto('release_events')
    .values({
      release_id: releaseId,
      n: Number(last?.n ?? 0) + 1,
      at,
      actor_id: actor.userId,
      actor_name: actor.name,
      type: e.type,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      answer: e.answer ?? null,
      contact_name: e.contactName ?? '',
      contact_number: e.contactNumber ?? '',
      contacted_at: e.contactedAt ?? null,
      note: e.note ?? '',
    })
    .execute();
}

async function residentUsers(tx: Tx, personId: string | null): Promise<string[]> {
  if (!personId) return [];
  const rows = await tx
    .selectFrom('users')
    .select('id')
    .where('person_id', '=', personId)
    .where('role', '=', 'resident')
    .where('active', '=', 1)
    .execute();
  return rows.map((r) => r.id);
}

async function insertRelease(
  ctx: AppContext,
  viewer: Viewer,
  input: ReleaseCreateInput,
  unit: { id: string; project_id: string; number: string },
  applicant: Applicant,
  channel: 'counter' | 'portal',
) {
  const path = pathFor(input);
  if (path === 'letter' && !input.letterFileId) throw fieldError('letterFileId', '持委托书申请须上传业主委托书照片');
  if (path !== 'letter' && input.letterFileId) throw fieldError('letterFileId', '只有持业主委托书申请时才上传委托书');
  const plate = normalizePlate(input.plate);
  if (plate && !PLATE.test(plate)) throw fieldError('plate', '车牌号格式不正确，如 粤B12345');
  const now = ctx.clock.now();
  const window = checkWindow(input, now);
  const actor = actorOf(viewer);
  const live: LiveEvent[] = [];
  const id = await write(ctx, actor, async (tx, audit) => {
    const id = newId(now);
    const number = await nextSerial(tx, unit.project_id, 'FX', now);
    if (input.letterFileId) await claimLetter(tx, input.letterFileId, viewer.userId, unit.project_id);
    const code = await uniqueCode(tx);
    const row = {
      id,
      project_id: unit.project_id,
      unit_id: unit.id,
      number,
      status: 'pending',
      is_open: 1,
      path,
      channel,
      applicant_name: applicant.name,
      applicant_phone: applicant.phone,
      standing: input.standing,
      company: input.standing === 'staff' ? input.company : '',
      applicant_person_id: applicant.personId,
      letter_file_id: input.letterFileId ?? null,
      plate,
      valid_from: window.from,
      valid_until: window.until,
      reason: input.reason,
      code,
      refusal_reason: '',
      verified_at: null,
      verified_by: null,
      decided_at: null,
      decided_by: null,
      used_at: null,
      used_by: null,
      created_by: viewer.userId,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('releases').values(row).execute();
    await tx
      .insertInto('release_items')
      .values(input.items.map((it, i) => ({ release_id: id, n: i + 1, name: it.name, quantity: it.quantity, unit: it.unit })))
      .execute();
    await appendEvent(tx, id, actor, { type: 'applied', to: 'pending', note: `${STANDING_LABEL[input.standing]} ${applicant.name}` }, now);
    if (channel === 'portal') {
      const desk = [
        ...(await projectUsersByRole(tx, unit.project_id, 'receptionist')),
        ...(await projectUsersByRole(tx, unit.project_id, 'service_supervisor')),
      ];
      live.push(
        ...(await notify(
          tx,
          {
            userIds: desk,
            kind: 'release.applied',
            title: `新的放行申请 ${number}（${unit.number}）`,
            body: `${STANDING_LABEL[input.standing]} ${applicant.name}：${itemsText(input.items)}`,
            link: `/releases/${id}`,
            dedupeKey: `release:${id}:applied`,
            projectId: unit.project_id,
          },
          now,
        )),
      );
    }
    await audit({
      action: 'release.applied',
      entity: 'release',
      entityId: id,
      after: {
        number,
        unitId: unit.id,
        channel,
        path,
        standing: input.standing,
        applicantName: applicant.name,
        applicantPhone: maskPhone(applicant.phone),
        company: row.company,
        items: input.items,
        plate,
        validFrom: window.from,
        validUntil: window.until,
        reason: input.reason,
        letterFileId: row.letter_file_id,
      },
    });
    return id;
  });
  ctx.live.publishAll(live);
  return id;
}

/** At the counter, for any unit of the viewer's projects. */
export async function createRelease(ctx: AppContext, viewer: Viewer, input: ReleaseCreateInput) {
  const unit = await ctx.db.selectFrom('units').select(['id', 'project_id', 'number']).where('id', '=', input.unitId).executeTakeFirst();
  if (!unit || !inProject(viewer, unit.project_id)) throw fieldError('unitId', '房屋不存在或不在您负责的项目');
  if (!input.applicantName) throw fieldError('applicantName', '请填写申请人姓名');
  if (!input.applicantPhone) throw fieldError('applicantPhone', '请填写申请人电话');
  const id = await insertRelease(
    ctx,
    viewer,
    input,
    unit,
    { name: input.applicantName, phone: input.applicantPhone, personId: null },
    'counter',
  );
  return getRelease(ctx, viewer, id);
}

/** R-RA-1: from the resident's phone, for one of their current units; the applicant defaults to the resident. */
export async function createResidentRelease(ctx: AppContext, viewer: Viewer, input: ReleaseCreateInput) {
  if (!viewer.personId) throw forbidden('账号未关联住户档案，请到服务中心登记');
  const occ = await currentOccupancies(ctx.db, viewer.personId, ctx.clock.now())
    .select('project_id')
    .where('unit_id', '=', input.unitId)
    .executeTakeFirst();
  if (!occ) throw fieldError('unitId', '只能为自己的房屋申请放行');
  if (input.standing === 'staff') throw fieldError('standing', '内部施工或送货人员请由服务中心登记申请');
  const unit = await ctx.db
    .selectFrom('units')
    .select(['id', 'project_id', 'number'])
    .where('id', '=', input.unitId)
    .executeTakeFirstOrThrow();
  const me = await ctx.db.selectFrom('people').select(['name', 'phone']).where('id', '=', viewer.personId).executeTakeFirstOrThrow();
  const applicant: Applicant = {
    name: input.applicantName || me.name,
    phone: input.applicantPhone || (input.applicantName ? '' : me.phone),
    personId: viewer.personId,
  };
  if (!applicant.phone) throw fieldError('applicantPhone', '请填写申请人电话');
  // The resident acts within the unit's project for this one application.
  const asResident: Viewer = { ...viewer, projectIds: [occ.project_id] };
  const id = await insertRelease(ctx, asResident, input, unit, applicant, 'portal');
  return getResidentRelease(ctx, viewer, id);
}

// ---------- reading ----------

function itemsText(items: { name: string; quantity: number; unit: string }[]): string {
  return items.map((i) => `${i.name} ${i.quantity} ${i.unit}`).join('、');
}

function summaryQuery(db: Db) {
  return db
    .selectFrom('releases')
    .innerJoin('units', 'units.id', 'releases.unit_id')
    .innerJoin('projects', 'projects.id', 'releases.project_id')
    .selectAll('releases')
    .select(['units.number as unit_number', 'projects.name as project_name']);
}
type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

async function itemsOf(db: Db, ids: string[]) {
  const map = new Map<string, { name: string; quantity: number; unit: string }[]>();
  if (!ids.length) return map;
  const rows = await db.selectFrom('release_items').selectAll().where('release_id', 'in', ids).orderBy('release_id').orderBy('n').execute();
  for (const r of rows) {
    const list = map.get(r.release_id) ?? [];
    list.push({ name: r.name, quantity: r.quantity, unit: r.unit });
    map.set(r.release_id, list);
  }
  return map;
}

function summary(r: SummaryRow, items: { name: string; quantity: number; unit: string }[], now: number) {
  return {
    id: r.id,
    number: r.number,
    projectId: r.project_id,
    projectName: r.project_name,
    unitId: r.unit_id,
    unitNumber: r.unit_number,
    status: r.status as ReleaseStatus,
    state: stateOf(r, now),
    path: r.path as ReleasePath,
    channel: r.channel as 'counter' | 'portal',
    applicantName: r.applicant_name,
    standing: r.standing as Standing,
    company: r.company,
    itemsText: itemsText(items),
    plate: r.plate,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    reason: r.reason,
    refusalReason: r.refusal_reason,
    createdAt: r.created_at,
    usedAt: r.used_at,
  };
}

function scopeOf(viewer: Viewer, projectId?: string): string[] | null {
  if (projectId) {
    if (!inProject(viewer, projectId)) throw notFound('项目');
    return [projectId];
  }
  return viewer.projectIds;
}

/** One page of a list: the rows read (one more than the page, to know whether another follows) with their items. */
async function releasePage(
  ctx: AppContext,
  rows: Awaited<ReturnType<ReturnType<typeof summaryQuery>['execute']>>,
  limit: number,
  now: number,
) {
  const page = rows.slice(0, limit);
  const items = await itemsOf(
    ctx.db,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => summary(r, items.get(r.id) ?? [], now)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

/** The counter's lists: pending ones first come first served, today's and all newest first. */
export async function listReleases(ctx: AppContext, viewer: Viewer, q: ReleaseListQuery) {
  const scope = scopeOf(viewer, q.projectId);
  if (scope !== null && scope.length === 0) return { items: [], nextCursor: null };
  const now = ctx.clock.now();
  const dir = q.scope === 'pending' ? 'asc' : 'desc';
  let query = summaryQuery(ctx.db)
    .orderBy('releases.created_at', dir)
    .orderBy('releases.id', dir)
    .limit(q.limit + 1);
  if (scope !== null) query = query.where('releases.project_id', 'in', scope);
  if (q.scope === 'pending') query = query.where('releases.is_open', '=', 1);
  if (q.scope === 'today') query = query.where('releases.created_at', '>=', localDateTime(toLocalDate(now), '00:00'));
  const after = keysetAfter(q.cursor, ['releases.created_at', 'releases.id'], dir, ['number', 'string']);
  if (after) query = query.where(after);
  return releasePage(ctx, await query.execute(), q.limit, now);
}

async function loadForStaff(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await summaryQuery(ctx.db).where('releases.id', '=', id).executeTakeFirst();
  if (!r || !inProject(viewer, r.project_id)) throw notFound('放行申请');
  return r;
}

async function userNames(db: Db, ids: (string | null)[]) {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (!unique.length) return new Map<string, string>();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', unique).execute();
  return new Map(rows.map((u) => [u.id, u.display_name]));
}

async function eventsOf(db: Db, id: string) {
  const rows = await db.selectFrom('release_events').selectAll().where('release_id', '=', id).orderBy('n').execute();
  return rows.map((e) => ({
    n: e.n,
    at: e.at,
    actor: e.actor_name,
    type: e.type,
    from: e.from_status,
    to: e.to_status,
    answer: e.answer,
    contactName: e.contact_name,
    contactNumber: e.contact_number,
    contactedAt: e.contacted_at,
    note: e.note,
  }));
}

export async function getRelease(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await loadForStaff(ctx, viewer, id);
  const now = ctx.clock.now();
  const items = (await itemsOf(ctx.db, [id])).get(id) ?? [];
  const seePhone = can(viewer, 'pii.phone');
  const today = toLocalDate(now);
  const owners = await ctx.db
    .selectFrom('occupancies')
    .innerJoin('people', 'people.id', 'occupancies.person_id')
    .select(['people.name', 'people.phone'])
    .where('occupancies.unit_id', '=', r.unit_id)
    .where('occupancies.relation', '=', 'owner')
    .where((eb) => eb.or([eb('occupancies.end_date', 'is', null), eb('occupancies.end_date', '>=', today)]))
    .execute();
  const checks = await ctx.db
    .selectFrom('release_checks')
    .innerJoin('users', 'users.id', 'release_checks.checked_by')
    .select([
      'release_checks.id',
      'release_checks.kind',
      'release_checks.valid',
      'release_checks.result',
      'release_checks.checked_at',
      'users.display_name',
    ])
    .where('release_checks.release_id', '=', id)
    .orderBy('release_checks.checked_at', 'desc')
    .limit(100)
    .execute();
  const names = await userNames(ctx.db, [r.decided_by, r.used_by]);
  // Numbers called are personal data like the applicant's phone: masked for staff without pii.phone.
  const events = (await eventsOf(ctx.db, id)).map((e) => ({
    ...e,
    contactNumber: seePhone ? e.contactNumber : maskPhone(e.contactNumber),
  }));
  return {
    ...summary(r, items, now),
    applicantPhone: seePhone ? r.applicant_phone : maskPhone(r.applicant_phone),
    items,
    code: r.code,
    letter: r.letter_file_id ? { url: `/api/releases/${id}/letter` } : null,
    owners: owners.map((o) => ({ name: o.name, phone: seePhone ? o.phone : maskPhone(o.phone) })),
    verifiedAt: r.verified_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by ? (names.get(r.decided_by) ?? null) : null,
    usedBy: r.used_by ? (names.get(r.used_by) ?? null) : null,
    version: r.version,
    actions: can(viewer, 'release.manage') ? allowedActions(r, now) : [],
    events,
    checks: checks.map((c) => ({
      id: c.id,
      kind: c.kind as 'check' | 'use',
      valid: c.valid === 1,
      result: c.result,
      guard: c.display_name,
      at: c.checked_at,
    })),
  };
}

/** The stored letter image, for whoever may see the release. */
export async function letterFile(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await loadForStaff(ctx, viewer, id);
  if (!r.letter_file_id) throw notFound('委托书');
  return ctx.db.selectFrom('attachments').select(['path', 'mime']).where('id', '=', r.letter_file_id).executeTakeFirstOrThrow();
}

async function residentUnitIds(ctx: AppContext, viewer: Viewer): Promise<string[]> {
  if (!viewer.personId) return [];
  const rows = await currentOccupancies(ctx.db, viewer.personId, ctx.clock.now()).execute();
  return [...new Set(rows.map((o) => o.unit_id))];
}

/** The resident's releases: every application for a unit they are currently related to, newest first. */
export async function listResidentReleases(ctx: AppContext, viewer: Viewer, q: { cursor?: string; limit: number }) {
  const units = await residentUnitIds(ctx, viewer);
  if (!units.length) return { items: [], nextCursor: null };
  const now = ctx.clock.now();
  let query = summaryQuery(ctx.db)
    .where('releases.unit_id', 'in', units)
    .orderBy('releases.created_at', 'desc')
    .orderBy('releases.id', 'desc')
    .limit(q.limit + 1);
  const after = keysetAfter(q.cursor, ['releases.created_at', 'releases.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  return releasePage(ctx, await query.execute(), q.limit, now);
}

/** A resident sees their units' releases; the code only once the slip is issued, and the office's people not at all. */
export async function getResidentRelease(ctx: AppContext, viewer: Viewer, id: string) {
  const r = await summaryQuery(ctx.db).where('releases.id', '=', id).executeTakeFirst();
  if (!r || !(await residentUnitIds(ctx, viewer)).includes(r.unit_id)) throw notFound('放行申请');
  const now = ctx.clock.now();
  const items = (await itemsOf(ctx.db, [id])).get(id) ?? [];
  const events = await eventsOf(ctx.db, id);
  return {
    ...summary(r, items, now),
    applicantPhone: r.applicant_phone,
    items,
    code: r.status === 'approved' || r.status === 'used' ? r.code : null,
    events: events.map((e) => ({ at: e.at, type: e.type, answer: e.answer, note: e.type === 'refused' ? e.note : '' })),
  };
}

// ---------- the desk's steps ----------

interface StepResult {
  set: Partial<Omit<ReleaseRow, 'id' | 'version'>>;
  event: EventInput;
  /** What the audit entry records besides the status change. */
  detail?: Record<string, unknown>;
}

function callTime(calledAt: number | undefined, r: ReleaseRow, now: number): number {
  const at = calledAt ?? now;
  if (at > now + 60_000) throw fieldError('calledAt', '致电时刻不能晚于现在');
  // The desk may call while the applicant waits and register just after.
  if (at < r.created_at - DAY) throw fieldError('calledAt', '致电时刻早于申请一天以上');
  return at;
}

const refusedBy = (viewerId: string, now: number, reason: string) => ({
  status: 'refused',
  refusal_reason: reason,
  decided_at: now,
  decided_by: viewerId,
});
const verifiedBy = (viewerId: string, now: number) => ({ status: 'verified', verified_at: now, verified_by: viewerId });

/**
 * One step of the desk: compare-and-set on the version before anything else (409), then the
 * workflow (422 when the step is not open now), the change, the history step, the applicant
 * told when the application came from their phone, and the audit entry last.
 */
async function runStep(
  ctx: AppContext,
  viewer: Viewer,
  id: string,
  version: number,
  action: ReleaseAction,
  step: (r: ReleaseRow, now: number) => StepResult,
) {
  const actor = actorOf(viewer);
  const live: LiveEvent[] = [];
  await write(ctx, actor, async (tx, audit, now) => {
    const r = await tx.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r || !inProject(viewer, r.project_id)) throw notFound('放行申请');
    if (r.version !== version)
      throw conflict(`放行申请已被他人处理（当前：${STATUS_LABEL[r.status as ReleaseStatus]}），请刷新后重试`, {
        status: r.status,
        version: r.version,
      });
    if (!allowedActions(r, now).includes(action)) {
      if (action === 'approve' && r.status === 'verified')
        throw ruleViolated('放行时段已过，不能再批准，请申请人重新申请', 'release_window_passed');
      throw ruleViolated(`当前状态（${STATUS_LABEL[r.status as ReleaseStatus]}）不能执行此步骤`, 'release_step_not_allowed');
    }
    const res = step(r, now);
    const to = (res.set.status as string | undefined) ?? r.status;
    await casUpdate(tx, 'releases', id, version, { ...res.set, is_open: isOpen(to) }, now, '放行申请');
    await appendEvent(tx, id, actor, { ...res.event, from: r.status, to }, now);
    if (to !== r.status && (to === 'approved' || to === 'refused'))
      live.push(...(await tellApplicant(tx, r, to, (res.set.refusal_reason as string | undefined) ?? '', now)));
    await audit({
      action: `release.${action}`,
      entity: 'release',
      entityId: id,
      before: { status: r.status },
      after: { status: to, ...res.detail },
    });
  });
  ctx.live.publishAll(live);
  return getRelease(ctx, viewer, id);
}

async function tellApplicant(tx: Tx, r: ReleaseRow, to: string, reason: string, now: number) {
  const users = await residentUsers(tx, r.applicant_person_id);
  if (!users.length) return [];
  return notify(
    tx,
    {
      userIds: users,
      kind: `release.${to}`,
      title: to === 'approved' ? `放行申请 ${r.number} 已批准，请出示放行码` : `放行申请 ${r.number} 不予放行`,
      body: to === 'approved' ? '门岗核验放行码后放行，仅可使用一次' : reason,
      link: `/m/releases/${r.id}`,
      dedupeKey: `release:${r.id}:${to}`,
      projectId: r.project_id,
    },
    now,
  );
}

export function verifyIdentity(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; document: string; note: string }) {
  return runStep(ctx, viewer, id, input.version, 'verify_identity', (_r, now) => ({
    set: verifiedBy(viewer.userId, now),
    event: { type: 'identity_verified', answer: 'yes', note: [DOCUMENT_LABEL[input.document], input.note].filter(Boolean).join('：') },
    detail: { document: input.document, note: input.note },
  }));
}

export function checkLetter(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; valid: boolean; note: string }) {
  return runStep(ctx, viewer, id, input.version, 'check_letter', (_r, now) => {
    const reason = input.note ? `业主委托书核对不符：${input.note}` : '业主委托书核对不符';
    return {
      set: input.valid ? verifiedBy(viewer.userId, now) : refusedBy(viewer.userId, now, reason),
      event: { type: 'letter_checked', answer: input.valid ? 'yes' : 'no', note: input.note },
      detail: { valid: input.valid, note: input.note },
    };
  });
}

interface CallInput {
  version: number;
  answer: 'yes' | 'no' | 'unreachable';
  calledNumber: string;
  calledAt?: number;
  note: string;
}

function callStep(
  viewerId: string,
  input: CallInput,
  who: string,
  type: 'owner_called' | 'head_called',
  refusal: string,
): (r: ReleaseRow, now: number) => StepResult {
  return (r, now) => {
    const at = callTime(input.calledAt, r, now);
    const set =
      input.answer === 'yes'
        ? verifiedBy(viewerId, now)
        : input.answer === 'no'
          ? refusedBy(viewerId, now, input.note ? `${refusal}：${input.note}` : refusal)
          : {};
    return {
      set,
      event: { type, answer: input.answer, contactName: who, contactNumber: input.calledNumber, contactedAt: at, note: input.note },
      detail: { answer: input.answer, contactName: who, calledNumber: maskPhone(input.calledNumber), calledAt: at, note: input.note },
    };
  };
}

export function recordOwnerCall(ctx: AppContext, viewer: Viewer, id: string, input: CallInput & { ownerName: string }) {
  return runStep(
    ctx,
    viewer,
    id,
    input.version,
    'owner_call',
    callStep(viewer.userId, input, input.ownerName, 'owner_called', '业主不同意放行'),
  );
}

export function recordHeadCall(ctx: AppContext, viewer: Viewer, id: string, input: CallInput & { headName: string }) {
  return runStep(
    ctx,
    viewer,
    id,
    input.version,
    'head_call',
    callStep(viewer.userId, input, input.headName, 'head_called', '所属单位或部门负责人未确认，不予放行'),
  );
}

export function approveRelease(ctx: AppContext, viewer: Viewer, id: string, input: { version: number }) {
  return runStep(ctx, viewer, id, input.version, 'approve', (_r, now) => ({
    set: { status: 'approved', decided_at: now, decided_by: viewer.userId },
    event: { type: 'approved' },
  }));
}

export function refuseRelease(ctx: AppContext, viewer: Viewer, id: string, input: { version: number; reason: string }) {
  return runStep(ctx, viewer, id, input.version, 'refuse', (_r, now) => ({
    set: refusedBy(viewer.userId, now, input.reason),
    event: { type: 'refused', note: input.reason },
    detail: { reason: input.reason },
  }));
}

// ---------- the gate ----------

async function gateRelease(db: Db | Tx, r: ReleaseRow) {
  const more = await db
    .selectFrom('units')
    .innerJoin('projects', 'projects.id', 'units.project_id')
    .select(['units.number', 'projects.name'])
    .where('units.id', '=', r.unit_id)
    .executeTakeFirstOrThrow();
  const items = await db
    .selectFrom('release_items')
    .select(['name', 'quantity', 'unit'])
    .where('release_id', '=', r.id)
    .orderBy('n')
    .execute();
  return {
    id: r.id,
    number: r.number,
    projectName: more.name,
    unit: more.number,
    applicantName: r.applicant_name,
    standing: r.standing as Standing,
    company: r.company,
    items,
    plate: r.plate,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    status: r.status as ReleaseStatus,
    usedAt: r.used_at,
  };
}

async function findByCode(db: Db | Tx, code: string) {
  if (code.length !== CODE_LENGTH) return undefined;
  return db.selectFrom('releases').selectAll().where('code', '=', code).executeTakeFirst();
}

async function recordCheck(
  tx: Tx,
  audit: Audit,
  viewer: Viewer,
  e: { code: string; releaseId: string | null; kind: 'check' | 'use'; reason: CheckReason | null },
  now: number,
) {
  const id = newId(now);
  const result = e.reason ?? 'ok';
  await tx
    .insertInto('release_checks')
    .values({
      id,
      code: e.code,
      release_id: e.releaseId,
      kind: e.kind,
      valid: e.reason ? 0 : 1,
      result,
      checked_by: viewer.userId,
      checked_at: now,
    })
    .execute();
  await audit({
    action: e.kind === 'use' ? 'release.use_attempted' : 'release.checked',
    entity: 'release_check',
    entityId: id,
    after: { code: e.code, releaseId: e.releaseId, kind: e.kind, result },
  });
}

/** The gate's look-up: valid or why not, with the slip when it is this guard's project's. Every check is recorded. */
export async function checkSlip(ctx: AppContext, viewer: Viewer, raw: string) {
  const code = normalizeCode(raw);
  return write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const r = await findByCode(tx, code);
    const reason: CheckReason | null = r ? reasonOf(viewer, r, now) : 'unknown';
    await recordCheck(tx, audit, viewer, { code, releaseId: r?.id ?? null, kind: 'check', reason }, now);
    const visible = r && reason !== 'other_project';
    return {
      valid: reason === null,
      ...(reason ? { reason } : {}),
      message: reason ? REASON_TEXT[reason] : '有效，可以放行',
      code,
      release: visible ? await gateRelease(tx, r) : null,
    };
  });
}

/**
 * Marks a slip used: one compare-and-set on the status and the window, so of two guards
 * scanning the same slip at once exactly one succeeds and the other hears 已使用. The
 * attempt is recorded either way, so the loser's scan stays on file too.
 */
export async function useSlip(ctx: AppContext, viewer: Viewer, raw: string) {
  const code = normalizeCode(raw);
  const actor = actorOf(viewer);
  const live: LiveEvent[] = [];
  const out = await write(ctx, actor, async (tx, audit, now) => {
    const r = await findByCode(tx, code);
    if (!r) {
      await recordCheck(tx, audit, viewer, { code, releaseId: null, kind: 'use', reason: 'unknown' }, now);
      return { reason: 'unknown' as CheckReason, row: null };
    }
    let reason: CheckReason | null = inProject(viewer, r.project_id) ? null : 'other_project';
    if (!reason) {
      const res = await tx
        .updateTable('releases')
        .set((eb) => ({
          status: 'used',
          is_open: 0,
          used_at: now,
          used_by: viewer.userId,
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', r.id)
        .where('status', '=', 'approved')
        .where('valid_from', '<=', now)
        .where('valid_until', '>=', now)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        const cur = await tx.selectFrom('releases').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
        reason = reasonOf(viewer, cur, now) ?? 'used';
      }
    }
    if (!reason) {
      await appendEvent(tx, r.id, actor, { type: 'used', from: 'approved', to: 'used' }, now);
      live.push(...(await tellUsed(tx, r, now)));
    }
    await recordCheck(tx, audit, viewer, { code, releaseId: r.id, kind: 'use', reason }, now);
    if (!reason)
      await audit({ action: 'release.used', entity: 'release', entityId: r.id, before: { status: 'approved' }, after: { status: 'used' } });
    const row = await tx.selectFrom('releases').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    return { reason, row };
  });
  ctx.live.publishAll(live);
  const { reason, row } = out;
  if (!reason && row) return { release: await gateRelease(ctx.db, row), message: '已放行' };
  if (!row || reason === 'unknown' || reason === 'other_project') throw notFound('放行条');
  if (reason === 'used') {
    const by = row.used_by ? ((await userNames(ctx.db, [row.used_by])).get(row.used_by) ?? '') : '';
    throw conflict(`放行条已使用${by ? `（${by} 已放行）` : ''}`, { status: row.status, usedAt: row.used_at });
  }
  throw ruleViolated(USE_REFUSED[reason as CheckReason], `release_${reason}`);
}

async function tellUsed(tx: Tx, r: ReleaseRow, now: number) {
  const users = await residentUsers(tx, r.applicant_person_id);
  if (!users.length) return [];
  return notify(
    tx,
    {
      userIds: users,
      kind: 'release.used',
      title: `放行条 ${r.number} 已在门岗使用`,
      link: `/m/releases/${r.id}`,
      dedupeKey: `release:${r.id}:used`,
      projectId: r.project_id,
    },
    now,
  );
}

/** The guard's own recent checks, newest first: what the gate page lists under the scanner. */
export async function myChecks(ctx: AppContext, viewer: Viewer, q: { cursor?: string; limit: number }) {
  let query = ctx.db
    .selectFrom('release_checks')
    .leftJoin('releases', 'releases.id', 'release_checks.release_id')
    .leftJoin('units', 'units.id', 'releases.unit_id')
    .select([
      'release_checks.id',
      'release_checks.kind',
      'release_checks.code',
      'release_checks.valid',
      'release_checks.result',
      'release_checks.checked_at',
      'releases.number',
      'releases.project_id',
      'units.number as unit_number',
    ])
    .where('release_checks.checked_by', '=', viewer.userId)
    .orderBy('release_checks.checked_at', 'desc')
    .orderBy('release_checks.id', 'desc')
    .limit(q.limit + 1);
  const after = keysetAfter(q.cursor, ['release_checks.checked_at', 'release_checks.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((c) => {
      // Another project's slip was not this guard's to read: its number stays hidden here too.
      const mine = c.project_id !== null && inProject(viewer, c.project_id);
      return {
        id: c.id,
        kind: c.kind as 'check' | 'use',
        code: c.code,
        valid: c.valid === 1,
        result: c.result,
        at: c.checked_at,
        number: mine ? c.number : null,
        unit: mine ? c.unit_number : null,
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.checked_at, last.id]) : null,
  };
}
