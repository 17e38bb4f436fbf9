import { chinaEpoch, formatDateTime } from './format';
import type { RequestDetail } from './types';

/** One line of materials used, as the `complete` step records it (money in fen). */
export interface MaterialLine {
  name: string;
  quantity: number;
  unit: string;
  priceFen: number;
}

/** A recorded line with its position (1-based), which also keys it in lists. */
export type RecordedMaterial = MaterialLine & { line: number };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The repair's own columns, read defensively from the request's `detail` (older rows may lack some). */
export interface RepairDetail {
  scope: string;
  paid: boolean;
  assessment: string;
  quotedFen: number | null;
  agreedAt: number | null;
  appointmentAt: number | null;
  informedAt: number | null;
  acceptedAt: number | null;
  departedAt: number | null;
  arrivedAt: number | null;
  findings: string;
  completedAt: number | null;
  materials: RecordedMaterial[];
  labourFen: number;
  feeCollectedFen: number;
  signatureFileId: string | null;
  signedAt: number | null;
  confirmedAt: number | null;
  confirmedVia: string | null;
}

export function parseMaterials(raw: unknown): RecordedMaterial[] {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = raw ? JSON.parse(raw) : [];
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  return list
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null)
    .map((m, i) => ({ line: i + 1, name: str(m.name), quantity: num(m.quantity) ?? 0, unit: str(m.unit), priceFen: num(m.priceFen) ?? 0 }));
}

export function repairOf(r: Pick<RequestDetail, 'detail'>): RepairDetail {
  const d = r.detail;
  return {
    scope: str(d.scope) || 'in_unit',
    paid: d.paid === 1 || d.paid === true,
    assessment: str(d.assessment),
    quotedFen: num(d.quotedFen),
    agreedAt: num(d.agreedAt),
    appointmentAt: num(d.appointmentAt),
    informedAt: num(d.informedAt),
    acceptedAt: num(d.acceptedAt),
    departedAt: num(d.departedAt),
    arrivedAt: num(d.arrivedAt),
    findings: str(d.findings),
    completedAt: num(d.completedAt),
    materials: parseMaterials(d.materials),
    labourFen: num(d.labourFen) ?? 0,
    feeCollectedFen: num(d.feeCollectedFen) ?? 0,
    signatureFileId: typeof d.signatureFileId === 'string' && d.signatureFileId ? d.signatureFileId : null,
    signedAt: num(d.signedAt),
    confirmedAt: num(d.confirmedAt),
    confirmedVia: typeof d.confirmedVia === 'string' ? d.confirmedVia : null,
  };
}

/** A line's amount in fen: quantity × unit price, rounded to the fen. */
export const lineFen = (m: MaterialLine) => Math.round(m.quantity * m.priceFen);

export const materialsFen = (list: MaterialLine[]) => list.reduce((s, m) => s + lineFen(m), 0);

/** Yuan as typed in a form → fen; blanks count as nothing. */
export const fenOfYuan = (yuan: number | null | undefined) =>
  typeof yuan === 'number' && Number.isFinite(yuan) ? Math.round(yuan * 100) : 0;

/**
 * The request's photos without the resident's signature, which is stored as a file of the
 * request too but is not a photo of the job.
 */
export function jobPhotos(r: Pick<RequestDetail, 'photos' | 'detail'>) {
  const sig = repairOf(r).signatureFileId;
  return r.photos.filter((p) => p.id !== sig);
}

/** China wall-clock time as a native date-time field shows it ('YYYY-MM-DDTHH:mm'), whatever the phone's zone. */
export function localInputOf(ms: number): string {
  return formatDateTime(ms).replace(' ', 'T');
}

/** A native date-time field's value read as China time → epoch ms; null when incomplete. */
export function epochOfLocalInput(v: string | null | undefined): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(v ?? '');
  if (!m?.[1] || !m[2]) return null;
  const ms = chinaEpoch(m[1], m[2]);
  return Number.isNaN(ms) ? null : ms;
}
