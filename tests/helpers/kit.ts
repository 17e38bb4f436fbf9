import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { saveCase } from '../../server/domains/complaints/cases.service.ts';
import { createEmergency } from '../../server/domains/frontdesk/emergencies.service.ts';
import { createIncident, submitReport } from '../../server/domains/frontdesk/incidents.service.ts';
import {
  approveRelease,
  createRelease,
  recordHeadCall,
  recordOwnerCall,
  verifyIdentity,
} from '../../server/domains/frontdesk/releases.service.ts';
import { createAppointment, createVisit } from '../../server/domains/frontdesk/visitors.service.ts';
import { act, createRequest, pause } from '../../server/domains/requests/requests.service.ts';
import type { Role } from '../../server/platform/access/roles.ts';
import { hashPassword } from '../../server/platform/auth/passwords.ts';
import type { Viewer } from '../../server/platform/auth/viewer.ts';
import type { AppContext } from '../../server/platform/context.ts';
import { toJson } from '../../server/platform/db/index.ts';
import { savePhoto } from '../../server/platform/files/files.ts';
import { saveIdCopy } from '../../server/platform/files/id-copies.service.ts';
import type { SampleKit } from '../../server/platform/http/route.ts';
import { newId, randomToken } from '../../server/platform/ids.ts';

/** Roles that work at company level: every project. */
export const COMPANY_ROLES: Role[] = ['quality_officer', 'company_leader', 'company_admin'];

export const KIT_PASSWORD = 'Kit2026password';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

/**
 * Fixtures and factories over the demo data (a factory per entity, no shared rows
 * edited by hand), plus fast users and sessions for walking every route × role.
 */
export async function makeKitFactory(ctx: AppContext) {
  const now = () => ctx.clock.now();
  const project = await ctx.db.selectFrom('projects').selectAll().where('code', '=', 'YGHY').executeTakeFirstOrThrow();
  const unit = await ctx.db
    .selectFrom('units')
    .selectAll()
    .where('project_id', '=', project.id)
    .where('number', '=', '3-1-1502')
    .executeTakeFirstOrThrow();
  const owner = await ctx.db
    .selectFrom('occupancies')
    .innerJoin('people', 'people.id', 'occupancies.person_id')
    .select(['people.id', 'people.phone_last4'])
    .where('occupancies.unit_id', '=', unit.id)
    .where('occupancies.relation', '=', 'owner')
    .executeTakeFirstOrThrow();
  const department = await ctx.db
    .selectFrom('departments')
    .selectAll()
    .where('project_id', '=', project.id)
    .where('code', '=', 'service')
    .executeTakeFirstOrThrow();
  const staff = await ctx.db.selectFrom('staff').select('id').where('department_id', '=', department.id).limit(1).executeTakeFirstOrThrow();
  const company = await ctx.db.selectFrom('companies').select('id').executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(KIT_PASSWORD);
  const stamp = () => ({ created_at: now(), updated_at: now(), version: 1 });

  const loginUser = await insertUser('receptionist', [project.id]);

  async function insertUser(role: Role, projectIds: string[] | null, personId: string | null = null) {
    const id = newId();
    const username = `k${next()}`.slice(0, 32);
    await ctx.db
      .insertInto('users')
      .values({
        id,
        username,
        password_hash: passwordHash,
        role,
        display_name: `测试${role}`,
        staff_id: null,
        person_id: personId,
        all_projects: projectIds === null ? 1 : 0,
        failed_attempts: 0,
        locked_until: 0,
        active: 1,
        ...stamp(),
      })
      .execute();
    if (projectIds?.length)
      await ctx.db
        .insertInto('user_projects')
        .values(projectIds.map((p) => ({ user_id: id, project_id: p })))
        .execute();
    return { id, username };
  }

  /** A fresh user of the role with a live session: cookie and CSRF token to send. */
  async function session(role: Role) {
    const user = await insertUser(role, COMPANY_ROLES.includes(role) ? null : [project.id], role === 'resident' ? owner.id : null);
    const token = randomToken();
    const csrf = randomToken(24);
    await ctx.db
      .insertInto('sessions')
      .values({
        id: createHash('sha256').update(token).digest('hex'),
        user_id: user.id,
        csrf_token: csrf,
        created_at: now(),
        expires_at: now() + 3600_000,
        ip: '',
      })
      .execute();
    return { cookie: `wuye_sid=${token}`, csrf, userId: user.id };
  }

  const deskUser = await insertUser('service_supervisor', [project.id]);
  /** The service desk acting in the factories, as a signed-in supervisor would. */
  const desk: Viewer = {
    userId: deskUser.id,
    username: deskUser.username,
    name: '工厂前台',
    role: 'service_supervisor',
    projectIds: [project.id],
    personId: null,
    staffId: null,
    ip: '127.0.0.1',
    csrfToken: '',
  };

  let dateCursor = Date.UTC(2030, 0, 1);
  const make: SampleKit['make'] = {
    project: async () => {
      const id = newId();
      await ctx.db
        .insertInto('projects')
        .values({
          id,
          company_id: company.id,
          code: `K${next().toUpperCase()}`.slice(0, 10),
          name: '工厂项目',
          address: '',
          business_hours: toJson([['08:30', '17:30']]),
          ...stamp(),
        })
        .execute();
      return id;
    },
    department: async () => {
      const id = newId();
      await ctx.db
        .insertInto('departments')
        .values({
          id,
          company_id: company.id,
          project_id: project.id,
          code: 'environment',
          name: `部门${next()}`,
          duties: '',
          phone: '',
          ...stamp(),
        })
        .execute();
      return id;
    },
    staff: async () => {
      const id = newId();
      await ctx.db
        .insertInto('staff')
        .values({
          id,
          company_id: company.id,
          name: `员工${next()}`,
          phone: '13800000000',
          department_id: department.id,
          title: '',
          active: 1,
          ...stamp(),
        })
        .execute();
      await ctx.db.insertInto('staff_projects').values({ staff_id: id, project_id: project.id }).execute();
      return id;
    },
    user: async () => (await insertUser('receptionist', [project.id])).id,
    building: async () => {
      const id = newId();
      await ctx.db
        .insertInto('buildings')
        .values({ id, project_id: project.id, code: `B${next()}`, name: '工厂楼', floors: 30, ...stamp() })
        .execute();
      return id;
    },
    unit: async () => {
      const id = newId();
      const room = String(1000 + (seq++ % 9000));
      const number = `K${next()}-${room}`;
      await ctx.db
        .insertInto('units')
        .values({
          id,
          project_id: project.id,
          building_id: unit.building_id,
          number,
          room,
          sort_key: number,
          floor: 10,
          area_x100: 8000,
          status: 'occupied',
          notes: '',
          ...stamp(),
        })
        .execute();
      return id;
    },
    person: async () => {
      const id = newId();
      const phone = `137${String(seq++).padStart(8, '0')}`;
      await ctx.db
        .insertInto('people')
        .values({
          id,
          company_id: company.id,
          name: `住户${next()}`,
          gender: '',
          phone,
          phone_last4: phone.slice(-4),
          phone2: '',
          id_type: 'resident_id',
          id_number: '440301199001011234',
          notes: '',
          ...stamp(),
        })
        .execute();
      await ctx.db
        .insertInto('occupancies')
        .values({
          id: newId(),
          person_id: id,
          unit_id: unit.id,
          project_id: project.id,
          relation: 'family',
          start_date: '2025-01-01',
          end_date: null,
          move_in_date: null,
          ...stamp(),
        })
        .execute();
      return id;
    },
    occupancy: async () => {
      const personId = await make.person?.();
      const occ = await ctx.db
        .selectFrom('occupancies')
        .select('id')
        .where('person_id', '=', personId as string)
        .executeTakeFirstOrThrow();
      return occ.id;
    },
    override: async () => {
      const id = newId();
      dateCursor += 86400_000;
      await ctx.db
        .insertInto('calendar_overrides')
        .values({
          id,
          project_id: project.id,
          date: new Date(dateCursor).toISOString().slice(0, 10),
          kind: 'holiday',
          note: '',
          created_at: now(),
        })
        .execute();
      return id;
    },
    request: async (o = {}) => {
      const kind = (o.kind as 'repair' | 'complaint' | 'suggestion' | 'special' | undefined) ?? 'repair';
      const r = await createRequest(ctx, desk, {
        projectId: project.id,
        kind,
        channel: 'phone',
        unitId: unit.id,
        requesterPersonId: owner.id,
        requesterName: '',
        requesterPhone: '',
        anonymous: false,
        location: '',
        content: `工厂事项 ${next()}`,
        urgency: 'normal',
        repairScope: 'in_unit',
        preferredTime: '',
        photoIds: [],
        readBackConfirmed: true,
      });
      if (o.paused) await pause(ctx, desk, r.id, r.version, '住户不在家');
      // A complaint escalated to leadership, or taken over by the quality department, for company decisions.
      if (o.escalate) await act(ctx, desk, r.id, 'escalate', { version: r.version, level: o.escalate, reason: '涉及赔偿' });
      return r.id;
    },
    deadlineOf: async (o = {}) => {
      const d = await ctx.db
        .selectFrom('deadlines')
        .select('id')
        .where('request_id', '=', o.requestId as string)
        .orderBy('created_at')
        .executeTakeFirstOrThrow();
      return d.id;
    },
    notification: async (o = {}) => {
      const id = newId();
      await ctx.db
        .insertInto('notifications')
        .values({
          id,
          user_id: (o.userId as string) ?? desk.userId,
          at: now(),
          kind: 'test',
          title: '测试通知',
          body: '',
          link: '',
          request_id: null,
          dedupe_key: `kit:${id}`,
          read_at: null,
        })
        .execute();
      return id;
    },
    category: async () => {
      const id = newId();
      await ctx.db
        .insertInto('categories')
        .values({ id, kind: 'repair', parent_id: null, name: `工厂分类${next()}`, sort: 0, active: 1, ...stamp() })
        .execute();
      return id;
    },
    phrase: async () => {
      const id = newId();
      await ctx.db
        .insertInto('phrases')
        .values({ id, scenario: 'answer_phone', title: '工厂用语', text: '您好', sort: 0, active: 1, ...stamp() })
        .execute();
      return id;
    },
    photo: async () => {
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
        .png()
        .toBuffer();
      const r = await savePhoto(ctx, desk, { data: png, filename: 'kit.png', purpose: 'request_photo' });
      const reqId = await make.request?.();
      await ctx.db
        .updateTable('attachments')
        .set({ request_id: reqId as string, project_id: project.id })
        .where('id', '=', r.id)
        .execute();
      return r.id;
    },
    /** A stored ID copy of a fresh person of the kit's project. */
    idCopy: async () => {
      const png = await sharp({ create: { width: 120, height: 76, channels: 3, background: '#cde' } })
        .png()
        .toBuffer();
      const personId = (await make.person?.()) as string;
      return (await saveIdCopy(ctx, desk, personId, { data: png, side: 'front', note: '' })).id;
    },
    priceItem: async () => {
      const id = newId();
      await ctx.db
        .insertInto('price_items')
        .values({
          id,
          project_id: project.id,
          category: '水电',
          name: `工厂收费项${next()}`,
          unit: '次',
          price_fen: 2000,
          note: '',
          sort: 0,
          active: 1,
          ...stamp(),
        })
        .execute();
      return id;
    },
    freeDate: async () => {
      dateCursor += 86400_000;
      return new Date(dateCursor).toISOString().slice(0, 10);
    },
    /** A repair whose work is done (completed, waiting for the signature), rateable by the kit's resident. */
    completedRepair: async () => {
      const id = (await make.request?.({ kind: 'repair' })) as string;
      await ctx.db.updateTable('requests').set({ status: 'completed' }).where('id', '=', id).execute();
      await ctx.db.updateTable('request_repair').set({ completed_at: now() }).where('request_id', '=', id).execute();
      return id;
    },
    /** A pending weekly callback task on a completed repair. */
    callback: async () => {
      const requestId = (await make.completedRepair?.()) as string;
      const id = newId();
      await ctx.db
        .insertInto('callbacks')
        .values({
          id,
          project_id: project.id,
          request_id: requestId,
          kind: 'weekly',
          draw_id: null,
          seq: 1,
          due_at: now() + 86_400_000,
          status: 'pending',
          method: null,
          outcome: null,
          satisfaction: null,
          note: '',
          done_by: null,
          done_at: null,
          created_at: now(),
          version: 1,
        })
        .execute();
      return id;
    },
    /** A complaint by the kit's owner taken through solution, resolution, analysis and a satisfied callback to closed. */
    closedComplaint: async () => {
      const c = await createRequest(ctx, desk, {
        projectId: project.id,
        kind: 'complaint',
        channel: 'phone',
        unitId: unit.id,
        requesterPersonId: owner.id,
        requesterName: '',
        requesterPhone: '',
        anonymous: false,
        location: '',
        content: `楼上漏水，天花板发霉 ${next()}`,
        urgency: 'normal',
        repairScope: 'in_unit',
        preferredTime: '',
        photoIds: [],
        complaint: { grade: 'general', compensation: false, aboutManager: false },
        readBackConfirmed: true,
      });
      let version = c.version;
      for (const [action, body] of [
        ['propose', { solution: '协调楼上住户维修防水层', opinion: '同意', agreed: true }],
        ['resolve', { resolution: '防水层已修复' }],
        ['analyse', { cause: '楼上住户装修破坏防水层', preventive: '装修巡查增加防水检查' }],
        ['callback_satisfied', { method: 'phone', note: '满意' }],
      ] as const)
        version = (await act(ctx, desk, c.id, action, { version, ...body })).version;
      return c.id;
    },
    /** A training case saved from a fresh closed complaint. */
    complaintCase: async () => {
      const requestId = (await make.closedComplaint?.()) as string;
      const saved = await saveCase(ctx, desk, {
        requestId,
        title: '维修质量：楼上漏水',
        summary: '住户反映楼上漏水，天花板发霉',
        handling: '协调楼上住户维修防水层',
        cause: '楼上住户装修破坏防水层',
        preventive: '装修巡查增加防水检查',
        lessons: '',
      });
      return saved.id;
    },
    /**
     * A goods release application for the kit's unit, taken at the counter. `path` picks the
     * verification (identity, letter, owner_call, company_call); `status: 'verified'` or
     * `'approved'` takes it that far.
     */
    release: async (o = {}) => {
      const path = (o.path as string | undefined) ?? 'identity';
      const standing = path === 'identity' ? 'owner' : path === 'company_call' ? 'staff' : 'other';
      let letterFileId: string | undefined;
      if (path === 'letter') {
        const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#eee' } })
          .png()
          .toBuffer();
        letterFileId = (await savePhoto(ctx, desk, { data: png, filename: 'letter.png', purpose: 'request_photo' })).id;
      }
      let r = await createRelease(ctx, desk, {
        unitId: unit.id,
        applicantName: '搬运工',
        applicantPhone: '13800138000',
        standing,
        company: standing === 'staff' ? '工程部' : '',
        path: path as 'identity' | 'letter' | 'owner_call' | 'company_call',
        letterFileId,
        items: [{ name: '纸箱', quantity: 3, unit: '个' }],
        plate: '',
        reason: '搬家',
      });
      if (o.status === 'verified' || o.status === 'approved') {
        if (path === 'owner_call')
          r = await recordOwnerCall(ctx, desk, r.id, {
            version: r.version,
            answer: 'yes',
            ownerName: '业主',
            calledNumber: '13900000000',
            note: '',
          });
        else if (path === 'company_call')
          r = await recordHeadCall(ctx, desk, r.id, { version: r.version, answer: 'yes', headName: '负责人', calledNumber: '', note: '' });
        else r = await verifyIdentity(ctx, desk, r.id, { version: r.version, document: 'id_card', note: '' });
      }
      if (o.status === 'approved') r = await approveRelease(ctx, desk, r.id, { version: r.version });
      return r.id;
    },
    /** The code of a fresh approved slip, valid now, for the gate's samples. */
    releaseCode: async () => {
      const id = (await make.release?.({ status: 'approved' })) as string;
      const r = await ctx.db.selectFrom('releases').select('code').where('id', '=', id).executeTakeFirstOrThrow();
      return r.code;
    },
    /** A walk-in visitor to the kit's unit, still inside. */
    visit: async () =>
      (
        await createVisit(ctx, desk, {
          projectId: project.id,
          name: `访客${next()}`.slice(0, 40),
          phone: '13912345678',
          idType: 'resident_id',
          idLast4: '1234',
          purpose: '探亲',
          host: { kind: 'unit', unitId: unit.id },
          partySize: 1,
          plate: '',
          badge: '',
        })
      ).id,
    /** A visitor expected at the kit's unit in an hour. */
    visitorAppointment: async () =>
      (
        await createAppointment(ctx, desk, {
          projectId: project.id,
          name: `预约访客${next()}`.slice(0, 40),
          phone: '13712345678',
          partySize: 1,
          purpose: '送货',
          plate: '',
          expectedAt: now() + 3600_000,
          host: { kind: 'unit', unitId: unit.id, personId: owner.id },
        })
      ).id,
    /** A class A office incident logged now, its report not yet written. */
    incident: async () =>
      (
        await createIncident(ctx, desk, {
          projectId: project.id,
          class: 'A',
          place: '服务中心前台',
          people: '业主 1 人',
          description: `业主情绪激动 ${next()}`,
        })
      ).id,
    /** An office incident whose report has been submitted. */
    reportedIncident: async () => {
      const id = (await make.incident?.()) as string;
      return (await submitReport(ctx, desk, id, { version: 1, report: '已安抚业主并答复' })).id;
    },
    /** An open lift entrapment in the kit's project. */
    emergency: async () => {
      const e = await createEmergency(ctx, desk, {
        projectId: project.id,
        type: 'lift',
        place: '3 栋 1 单元电梯',
        summary: `电梯困人 ${next()}`,
      });
      return e.id;
    },
    /** An answered incoming call logged by hand at the desk, a minute ago. */
    call: async (o = {}) => {
      const id = newId();
      const t = now();
      await ctx.db
        .insertInto('calls')
        .values({
          id,
          project_id: project.id,
          external_id: null,
          direction: 'in',
          caller: `139${String(seq++).padStart(8, '0')}`,
          callee: '',
          ringing_at: t - 60_000,
          answered_at: t - 52_000,
          ended_at: t - 5_000,
          rings: 2,
          source: 'manual',
          operator_id: desk.userId,
          request_id: (o.requestId as string | undefined) ?? null,
          notes: '',
          created_at: t - 60_000,
          version: 1,
        })
        .execute();
      return id;
    },
  };

  return {
    session,
    kit(role: Role, userId?: string): SampleKit {
      return {
        role,
        userId,
        fixtures: {
          projectId: project.id,
          unitId: unit.id,
          personId: owner.id,
          phoneLast4: owner.phone_last4,
          departmentId: department.id,
          staffId: staff.id,
          loginUsername: loginUser.username,
          loginPassword: KIT_PASSWORD,
          password: KIT_PASSWORD,
        },
        make,
        version: async (table: string, id: string) => {
          const r = await (ctx.db as any).selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow();
          return r.version as number;
        },
      };
    },
  };
}
