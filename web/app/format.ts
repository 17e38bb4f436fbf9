/**
 * Dates and numbers in China conventions. Times are shown in China time whatever
 * the browser's zone: China has kept a fixed UTC+8 offset without daylight saving
 * since 1992, so a constant offset is exact and needs no time-zone database.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number) => String(n).padStart(2, '0');

function chinaParts(ms: number) {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
  };
}

/** epoch ms → 'YYYY-MM-DD HH:mm' (China time). */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const p = chinaParts(ms);
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}`;
}

/** epoch ms → 'YYYY-MM-DD' (China time). */
export function formatDate(ms: number): string {
  const p = chinaParts(ms);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** 'YYYY-MM-DD' + 'HH:mm' read as China time → epoch ms. */
export function chinaEpoch(date: string, time = '00:00'): number {
  return Date.parse(`${date}T${time}:00+08:00`);
}

export function todayInChina(): string {
  return formatDate(Date.now());
}

export function chinaYearMonth(ms = Date.now()): { year: number; month: number } {
  const p = chinaParts(ms);
  return { year: p.y, month: p.m };
}

/** Area in m² with the two decimals the registers use. */
export function formatArea(area: number): string {
  return `${area.toFixed(2)} m²`;
}

/** Money is stored in fen; shown as yuan with two decimals. */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  return `¥${(fen / 100).toFixed(2)}`;
}

/** Whole days, hours and minutes of a duration, coarsest two units, for "overdue by" and paused time. */
export function durationParts(ms: number): { d: number; h: number; m: number } {
  const total = Math.max(0, Math.floor(ms / 60_000));
  return { d: Math.floor(total / 1440), h: Math.floor((total % 1440) / 60), m: total % 60 };
}

/** 'YYYY-MM' of an instant, China time. */
export function formatMonth(ms: number): string {
  const p = chinaParts(ms);
  return `${p.y}-${pad(p.m)}`;
}
