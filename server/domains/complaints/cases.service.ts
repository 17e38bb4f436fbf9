import { sql } from 'kysely';
import { actorOf, can, inProject, type Viewer } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/index.ts';
import { encodeCursor, keysetAfter } from '../../platform/http/common.ts';
import { badRequest, conflict, forbidden, notFound, ruleViolated } from '../../platform/http/errors.ts';
import { newId } from '../../platform/ids.ts';
import { write } from '../../platform/write.ts';
import { CASE_FIELDS, type CaseCreateInput, type CaseField, type CaseListInput, GRADE_LABEL, type GRADES } from './cases.schema.ts';

type Grade = (typeof GRADES)[number];

// ---------- personal data ----------

/** What identifies the complainant and the people of the complaint's unit, as stored in the directory. */
export interface PersonalData {
  /** The complainant first, then everyone ever related to the unit: a former tenant is still a person. */
  people: { name: string; owner: boolean; complainant: boolean }[];
  phones: string[];
  idNumbers: string[];
  unitNumbers: string[];
  plates: string[];
}

export type PersonalKind = 'complainant_name' | 'resident_name' | 'phone' | 'id_number' | 'unit' | 'plate';

const KIND_TEXT: Record<PersonalKind, { what: string; instead: string }> = {
  complainant_name: { what: '投诉人姓名', instead: '业主/住户' },
  resident_name: { what: '住户姓名', instead: '业主/住户' },
  phone: { what: '电话号码', instead: '某电话' },
  id_number: { what: '身份证号', instead: '某证件号' },
  unit: { what: '房号', instead: '某房号' },
  plate: { what: '车牌号', instead: '某车牌' },
};

const HONORIFIC = /(先生|女士|小姐)$/;
// Words that are already stand-ins (or anonymity) rather than somebody's name.
const NOT_A_NAME = new Set(['匿名', '先生', '女士', '小姐', '业主', '住户', '投诉人']);
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '司徒', '夏侯', '长孙', '宇文'];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const digitsOf = (s: string) => s.replace(/\D/g, '');
const asciiDigits = (s: string) => s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/－/g, '-');

const CN_NUM = '[一二三四五六七八九十]{1,3}';
/**
 * Shapes of personal data in free text, most specific first: an ID number is also a digit run
 * and a landline looks like a building-room number, so the earlier rule must take it.
 * `refuse` marks what a saved case may never contain; the weaker shapes (any long digit run,
 * a landline) are removed from drafts but may come back on purpose, e.g. the service hotline.
 */
const SHAPES: { kind: PersonalKind; re: RegExp; stand: string; refuse: boolean }[] = [
  { kind: 'id_number', re: /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g, stand: '某证件号', refuse: true },
  { kind: 'phone', re: /(?<!\d)(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)/g, stand: '某电话', refuse: true },
  { kind: 'phone', re: /(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3}[-\s]?)\d{7,8}(?!\d)/g, stand: '某电话', refuse: false },
  // 3-1-1502, 3-1-1502室
  { kind: 'unit', re: /(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?:号?[室房])?(?![\d-])/g, stand: '某房号', refuse: true },
  // 3栋1单元1502, 三栋一单元1502室, 12号楼502
  {
    kind: 'unit',
    re: new RegExp(
      `(?<!\\d)(?:\\d{1,3}|${CN_NUM})\\s?(?:栋|幢|座|号楼)\\s?(?:(?:\\d{1,2}|${CN_NUM})\\s?(?:单元|门)\\s?)?\\d{3,4}\\s?(?:号?[室房])?(?!\\d)`,
      'g',
    ),
    stand: '某房号',
    refuse: true,
  },
  // 3-1502
  { kind: 'unit', re: /(?<![\d-])\d{1,3}-\d{3,4}(?:号?[室房])?(?![\d-])/g, stand: '某房号', refuse: true },
  // 1502室, 1502号房
  { kind: 'unit', re: /(?<!\d)\d{3,4}\s?号?[室房]/g, stand: '某房号', refuse: true },
  {
    kind: 'plate',
    re: /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z][·•\s]?(?=[A-Za-z0-9]{0,5}\d)[A-Za-z0-9]{5,6}(?![A-Za-z0-9])/g,
    stand: '某车牌',
    refuse: true,
  },
  // A phone without its area code, a bank card, a contract number: too risky to keep in training material.
  { kind: 'phone', re: /\d{7,}/g, stand: '某电话', refuse: false },
];

function usableNames(data: PersonalData) {
  const seen = new Set<string>();
  const out: { name: string; owner: boolean; complainant: boolean }[] = [];
  for (const p of data.people) {
    const name = p.name.trim();
    if (name.length < 2 || NOT_A_NAME.has(name) || seen.has(name)) continue;
    seen.add(name);
    out.push({ ...p, name });
  }
  // The longest first, so 李明华 is replaced whole before a shorter name inside it.
  return out.sort((a, b) => b.name.length - a.name.length);
}

function standInFor(p: { name: string; owner: boolean }) {
  const h = HONORIFIC.exec(p.name);
  if (h) return `某${h[1]}`;
  return p.owner ? '业主' : '住户';
}

/** 李先生 / 欧阳女士 for a known 李明华 / 欧阳娜娜: how the counter usually writes a name down. */
function surnamePattern(name: string): RegExp | null {
  if (HONORIFIC.test(name)) return null;
  const surname = COMPOUND_SURNAMES.find((s) => name.startsWith(s) && name.length > s.length) ?? name.slice(0, 1);
  return new RegExp(`${escapeRe(surname)}(先生|女士|小姐)`, 'g');
}

/**
 * A complaint's text with personal data replaced: the names of the complainant and of everyone
 * related to the unit by 业主 / 住户 (某先生 / 某女士 where the name is one), then phones, ID
 * numbers, unit numbers and plates, known or merely shaped like one, by 某电话 / 某证件号 /
 * 某房号 / 某车牌. A common word that happens to be a resident's name is replaced too: a
 * training case loses a word rather than keeps a name.
 */
export function redact(text: string, data: PersonalData): string {
  let out = asciiDigits(text);
  for (const p of usableNames(data)) {
    out = out.replaceAll(p.name, standInFor(p));
    const re = surnamePattern(p.name);
    if (re) out = out.replace(re, '某$1');
  }
  for (const id of data.idNumbers) if (id.length >= 15) out = out.replaceAll(id, '某证件号');
  for (const phone of data.phones) if (digitsOf(phone).length >= 7) out = out.replaceAll(phone, '某电话');
  for (const u of data.unitNumbers) if (u.length >= 3) out = out.replace(new RegExp(`${escapeRe(u)}(?:号?[室房])?`, 'g'), '某房号');
  for (const plate of data.plates) if (plate.length >= 5) out = out.replaceAll(plate, '某车牌');
  for (const s of SHAPES) out = out.replace(s.re, s.stand);
  return out;
}

/**
 * The personal data a case field still holds, of the kinds a saved case may never contain:
 * a known name, phone, ID number, unit number or plate (however it is spaced), or anything
 * shaped like a mobile number, an ID number, a unit number or a plate. Empty when clean.
 */
export function personalDataIn(text: string, data: PersonalData): PersonalKind[] {
  const found = new Set<PersonalKind>();
  const plain = asciiDigits(text);
  // 138 0000 0000 and 138-0000-0000 are the same number as 13800000000.
  const squeezed = plain.replace(/(?<=\d)[\s-]+(?=\d)/g, '');
  for (const p of usableNames(data)) {
    const re = surnamePattern(p.name);
    if (plain.includes(p.name) || (re && new RegExp(re.source).test(plain)))
      found.add(p.complainant ? 'complainant_name' : 'resident_name');
  }
  for (const phone of data.phones) {
    const d = digitsOf(phone);
    if (d.length >= 7 && squeezed.includes(d)) found.add('phone');
  }
  for (const id of data.idNumbers) if (id.length >= 15 && squeezed.toUpperCase().includes(id.toUpperCase())) found.add('id_number');
  for (const u of data.unitNumbers) if (u.length >= 3 && plain.includes(u)) found.add('unit');
  const unspaced = plain.replace(/[·•\s]/g, '').toUpperCase();
  for (const plate of data.plates) if (plate.length >= 5 && unspaced.includes(plate.toUpperCase())) found.add('plate');
  // A fresh expression each time: a global one remembers where its last test stopped.
  for (const s of SHAPES) if (s.refuse && new RegExp(s.re.source).test(plain)) found.add(s.kind);
  return [...found];
}

/** The field errors for every case section that still holds personal data (empty when all are clean). */
export function personalDataErrors(input: Record<CaseField, string>, data: PersonalData): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of Object.keys(CASE_FIELDS) as CaseField[]) {
    const kinds = personalDataIn(input[field] ?? '', data);
    if (!kinds.length) continue;
    const what = kinds.map((k) => KIND_TEXT[k].what).join('、');
    const instead = [...new Set(kinds.map((k) => KIND_TEXT[k].instead))].join('、');
    errors[field] = `${CASE_FIELDS[field]}中仍含有${what}，请删除或改为“${instead}”`;
  }
  return errors;
}

async function personalDataOf(
  db: Db | Tx,
  r: { requester_name: string; requester_phone: string; requester_person_id: string | null; unit_id: string | null },
): Promise<PersonalData> {
  const unit = r.unit_id ? await db.selectFrom('units').select('number').where('id', '=', r.unit_id).executeTakeFirst() : undefined;
  const occupants = r.unit_id
    ? await db.selectFrom('occupancies').select(['person_id', 'relation']).where('unit_id', '=', r.unit_id).execute()
    : [];
  const ids = [...new Set([...(r.requester_person_id ? [r.requester_person_id] : []), ...occupants.map((o) => o.person_id)])];
  const people = ids.length
    ? await db.selectFrom('people').select(['id', 'name', 'phone', 'phone2', 'id_number']).where('id', 'in', ids).execute()
    : [];
  const plates = ids.length ? await db.selectFrom('vehicles').select('plate').where('person_id', 'in', ids).execute() : [];
  const owners = new Set(occupants.filter((o) => o.relation === 'owner').map((o) => o.person_id));
  const complainant = people.find((p) => p.id === r.requester_person_id);
  return {
    people: [
      { name: r.requester_name, owner: !!complainant && owners.has(complainant.id), complainant: true },
      ...people.map((p) => ({ name: p.name, owner: owners.has(p.id), complainant: p.id === r.requester_person_id })),
    ],
    phones: [r.requester_phone, ...people.flatMap((p) => [p.phone, p.phone2])].filter(Boolean),
    idNumbers: people.map((p) => p.id_number).filter(Boolean),
    unitNumbers: unit ? [unit.number] : [],
    plates: plates.map((p) => p.plate),
  };
}

// ---------- search terms ----------

const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[a-z0-9]+/g;
// Keeps every key of the (term, case_id) primary key far below PostgreSQL's index row limit.
const MAX_WORD = 40;

const normalise = (text: string) => text.normalize('NFKC').toLowerCase();

/**
 * What a case is found by: every Chinese character and every pair of neighbouring characters
 * (Chinese has no spaces, so a word is found through its pairs), plus ASCII words and numbers.
 */
export function indexTerms(text: string): string[] {
  const t = normalise(text);
  const terms = new Set<string>();
  for (const run of t.match(HAN_RUN) ?? []) {
    const chars = Array.from(run);
    chars.forEach((c, i) => {
      terms.add(c);
      if (i + 1 < chars.length) terms.add(c + chars[i + 1]);
    });
  }
  for (const w of t.match(WORD) ?? []) terms.add(w.slice(0, MAX_WORD));
  return [...terms];
}

/** A query split the way cases are indexed: pairs for runs of two or more characters, the character alone otherwise. */
export function queryTerms(q: string): string[] {
  const t = normalise(q);
  const terms = new Set<string>();
  for (const run of t.match(HAN_RUN) ?? []) {
    const chars = Array.from(run);
    if (chars.length === 1) terms.add(run);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i] + chars[i + 1]);
  }
  for (const w of t.match(WORD) ?? []) terms.add(w.slice(0, MAX_WORD));
  return [...terms];
}

// ---------- the complaint behind a case ----------

async function categoryPath(db: Db | Tx, id: string | null): Promise<string> {
  const names: string[] = [];
  for (let cur = id, i = 0; cur && i < 10; i++) {
    const c = await db.selectFrom('categories').select(['name', 'parent_id']).where('id', '=', cur).executeTakeFirst();
    if (!c) break;
    names.unshift(c.name);
    cur = c.parent_id;
  }
  return names.join(' / ');
}

/** A complaint the viewer may see, closed: only a finished story with its cause and prevention teaches anything. */
async function closedComplaint(ctx: AppContext, viewer: Viewer, requestId: string) {
  const r = await ctx.db
    .selectFrom('requests')
    .innerJoin('projects', 'projects.id', 'requests.project_id')
    .select([
      'requests.id',
      'requests.number',
      'requests.kind',
      'requests.status',
      'requests.project_id',
      'projects.name as project_name',
      'requests.requester_name',
      'requests.requester_phone',
      'requests.requester_person_id',
      'requests.unit_id',
      'requests.category_id',
      'requests.content',
    ])
    .where('requests.id', '=', requestId)
    .executeTakeFirst();
  if (!r || !can(viewer, 'request.read') || !inProject(viewer, r.project_id)) throw notFound('事项');
  if (r.kind !== 'complaint') throw ruleViolated('只有投诉可以存入案例库', 'not_a_complaint');
  if (r.status !== 'closed') throw ruleViolated('投诉结案后才能存入案例库', 'complaint_not_closed');
  const detail = await ctx.db.selectFrom('request_complaint').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();
  return { ...r, detail };
}

const STAND_INS = /业主|住户|某先生|某女士|某小姐|某电话|某证件号|某房号|某车牌/g;

/**
 * A short title: the category and the first clause that says what happened. Complaints often
 * open with who is calling (我是业主，电话某电话), so clauses that are only that are skipped.
 */
export function draftTitle(category: string, summary: string): string {
  const leaf = category.split(' / ').at(-1) ?? '';
  const clauses = summary.split(/[，。！？；、,.!?;\n]+/).map((c) => c.replace(STAND_INS, '').trim());
  const told =
    clauses.find((c) => c.replace(/^(我是|本人是?|我家|家住|住在|电话|手机|联系电话)/, '').trim().length >= 4) ?? clauses[0] ?? '';
  const chars = Array.from(told.replace(/\s+/g, ' '));
  const short = chars.length > 24 ? `${chars.slice(0, 24).join('')}…` : chars.join('');
  return (leaf && short ? `${leaf}：${short}` : leaf || short || '投诉案例').slice(0, 100);
}

export async function caseDraft(ctx: AppContext, viewer: Viewer, requestId: string) {
  if (!can(viewer, 'request.supervise')) throw forbidden();
  const r = await closedComplaint(ctx, viewer, requestId);
  const data = await personalDataOf(ctx.db, r);
  const category = await categoryPath(ctx.db, r.category_id);
  const summary = redact(r.content, data);
  const c = r.detail;
  const handling = (
    [
      ['调查情况', c.findings],
      ['解决方案', c.solution],
      ['处理结果', c.resolution],
    ] as const
  )
    .filter(([, v]) => v.trim())
    .map(([label, v]) => `${label}：${redact(v.trim(), data)}`)
    .join('\n');
  const saved = await ctx.db.selectFrom('complaint_cases').select('id').where('request_id', '=', r.id).executeTakeFirst();
  return {
    requestId: r.id,
    requestNumber: r.number,
    projectId: r.project_id,
    projectName: r.project_name,
    title: draftTitle(category, summary),
    category,
    grade: c.grade as Grade,
    gradeLabel: GRADE_LABEL[c.grade as Grade] ?? c.grade,
    summary,
    handling,
    cause: redact(c.cause, data),
    preventive: redact(c.preventive, data),
    lessons: '',
    caseId: saved?.id ?? null,
  };
}

// ---------- the library ----------

const TERM_CHUNK = 500;

/**
 * Saves a closed complaint as a training case. The server checks the text again, whatever the
 * console sent, and refuses any section that still names the complainant or a resident, or holds
 * a phone, an ID number, a unit number or a plate. A case is history: one per complaint, and there
 * is no route that edits or deletes it.
 */
export async function saveCase(ctx: AppContext, viewer: Viewer, input: CaseCreateInput) {
  if (!can(viewer, 'request.supervise')) throw forbidden();
  const r = await closedComplaint(ctx, viewer, input.requestId);
  const existing = await ctx.db.selectFrom('complaint_cases').select('id').where('request_id', '=', r.id).executeTakeFirst();
  if (existing) throw conflict(`投诉 ${r.number} 已存入案例库，不能重复入库`, { caseId: existing.id });
  const errors = personalDataErrors(input, await personalDataOf(ctx.db, r));
  const first = Object.values(errors)[0];
  if (first) throw badRequest(first, errors);

  const category = await categoryPath(ctx.db, r.category_id);
  const id = await write(ctx, actorOf(viewer), async (tx, audit, now) => {
    const row = {
      id: newId(now),
      request_id: r.id,
      project_id: r.project_id,
      title: input.title,
      category,
      grade: r.detail.grade,
      summary: input.summary,
      handling: input.handling,
      cause: input.cause,
      preventive: input.preventive,
      lessons: input.lessons,
      created_by: viewer.userId,
      created_at: now,
    };
    // Two supervisors saving the same complaint at once: the unique request_id lets one in.
    const res = await tx
      .insertInto('complaint_cases')
      .values(row)
      .onConflict((oc) => oc.column('request_id').doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) throw conflict(`投诉 ${r.number} 已存入案例库，不能重复入库`);
    const terms = indexTerms([row.title, row.category, row.summary, row.handling, row.cause, row.preventive, row.lessons].join('\n'));
    for (let i = 0; i < terms.length; i += TERM_CHUNK) {
      await tx
        .insertInto('complaint_case_terms')
        .values(terms.slice(i, i + TERM_CHUNK).map((term) => ({ term, case_id: row.id })))
        .execute();
    }
    // Last: the audit head stays locked from here to the commit.
    await audit({
      action: 'complaint_case.created',
      entity: 'complaint_case',
      entityId: row.id,
      after: { requestId: r.id, requestNumber: r.number, title: row.title, category, grade: row.grade },
    });
    return row.id;
  });
  return getCase(ctx, viewer, id);
}

export async function getCase(ctx: AppContext, viewer: Viewer, id: string) {
  if (!can(viewer, 'request.read')) throw forbidden();
  const c = await ctx.db
    .selectFrom('complaint_cases')
    .innerJoin('requests', 'requests.id', 'complaint_cases.request_id')
    .innerJoin('projects', 'projects.id', 'complaint_cases.project_id')
    .leftJoin('users', 'users.id', 'complaint_cases.created_by')
    .selectAll('complaint_cases')
    .select(['requests.number as request_number', 'projects.name as project_name', 'users.display_name as created_by_name'])
    .where('complaint_cases.id', '=', id)
    .executeTakeFirst();
  if (!c) throw notFound('案例');
  return {
    id: c.id,
    requestId: c.request_id,
    requestNumber: c.request_number,
    projectId: c.project_id,
    projectName: c.project_name,
    title: c.title,
    category: c.category,
    grade: c.grade as Grade,
    gradeLabel: GRADE_LABEL[c.grade as Grade] ?? c.grade,
    summary: c.summary,
    handling: c.handling,
    cause: c.cause,
    preventive: c.preventive,
    lessons: c.lessons,
    createdByName: c.created_by_name ?? null,
    createdAt: c.created_at,
  };
}

const EXCERPT = 80;

/**
 * Cases are training material for the whole company, so every staff member reads every project's.
 * A query matches a case holding all of its terms: one look-up of the (term, case_id) key per
 * term, intersected in SQL, newest first.
 */
export async function listCases(ctx: AppContext, viewer: Viewer, q: CaseListInput) {
  if (!can(viewer, 'request.read')) throw forbidden();
  let query = ctx.db
    .selectFrom('complaint_cases')
    .innerJoin('projects', 'projects.id', 'complaint_cases.project_id')
    .select([
      'complaint_cases.id',
      'complaint_cases.request_id',
      'complaint_cases.project_id',
      'projects.name as project_name',
      'complaint_cases.title',
      'complaint_cases.category',
      'complaint_cases.grade',
      'complaint_cases.created_at',
      sql<string>`substr(complaint_cases.summary, 1, ${sql.lit(EXCERPT + 1)})`.as('excerpt'),
    ])
    .orderBy('complaint_cases.created_at', 'desc')
    .orderBy('complaint_cases.id', 'desc')
    .limit(q.limit + 1);
  if (q.projectId) query = query.where('complaint_cases.project_id', '=', q.projectId);
  if (q.grade) query = query.where('complaint_cases.grade', '=', q.grade);
  for (const term of queryTerms(q.q ?? '')) {
    query = query.where('complaint_cases.id', 'in', ctx.db.selectFrom('complaint_case_terms').select('case_id').where('term', '=', term));
  }
  const after = keysetAfter(q.cursor, ['complaint_cases.created_at', 'complaint_cases.id'], 'desc', ['number', 'string']);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((c) => {
      const chars = Array.from(c.excerpt ?? '');
      return {
        id: c.id,
        requestId: c.request_id,
        projectId: c.project_id,
        projectName: c.project_name,
        title: c.title,
        category: c.category,
        grade: c.grade as Grade,
        gradeLabel: GRADE_LABEL[c.grade as Grade] ?? c.grade,
        excerpt: chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : chars.join(''),
        createdAt: c.created_at,
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}
