/**
 * Working calendar: which local days are working days and how deadlines are
 * counted in working time (R-SLA-2), plus the monthly reception day (R-RD-1).
 *
 * Every local date and wall time is China time. China has used a fixed UTC+8
 * offset without DST since 1992, so all arithmetic uses that constant offset
 * and never the host's time zone: the server may run with TZ=UTC or anything else.
 *
 * Precedence for a day: administrator override > official schedule
 * (statutory holidays and 调休 make-up working days) > Monday–Friday.
 */
import { createRequire } from 'node:module';

export type DayKind = 'workday' | 'holiday';

export interface CalendarOverride {
  /** YYYY-MM-DD */
  date: string;
  kind: DayKind;
  note?: string;
}

/** Business hours of one project: working intervals of a working day, local 'HH:mm' strings, sorted, non-overlapping, e.g. [['08:30','12:00'],['13:30','17:30']]. */
export type BusinessHours = Array<[string, string]>;

// Frozen because it is shared by every project that has no hours of its own.
export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze([Object.freeze(['08:30', '17:30'])]) as unknown as BusinessHours;

export interface CalendarConfig {
  businessHours: BusinessHours;
  overrides: CalendarOverride[];
}

export type DayReason = 'override' | 'statutory_holiday' | 'make_up_workday' | 'weekend' | 'weekday';

export interface DayInfo {
  date: string;
  working: boolean;
  reason: DayReason;
  /** Official holiday name (e.g. 国庆节); on a make-up day, the holiday it makes up for. */
  name?: string;
  note?: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
/** A calendar with no working day for this long is certainly misconfigured. */
const MAX_IDLE_DAYS = 3 * 366;
/** Hard bound so that absurd durations or ranges cannot hang a request. */
const MAX_SPAN_DAYS = 100 * 366;

// ---------------------------------------------------------------------------
// Official schedule
// ---------------------------------------------------------------------------

interface StatutoryDay {
  kind: DayKind;
  name: string;
}

/*
 * chinese-days' runtime functions (isWorkday, getDayDetail, ...) build their
 * lookup tables with the host's local time zone and return dates shifted by a
 * day west of UTC (verified with TZ=America/New_York: 2025-09-28 reported as a
 * plain Sunday). The package also ships the same schedule prebuilt as JSON keyed
 * by plain date strings, which is zone-free, so that is what is read here.
 */
const requireFromHere = createRequire(import.meta.url);

function loadStatutory(): { days: Map<string, StatutoryDay>; years: Set<number> } {
  const raw = requireFromHere('chinese-days/dist/chinese-days.json') as unknown;
  const days = new Map<string, StatutoryDay>();
  const years = new Set<number>();
  const table = (raw ?? {}) as Record<string, unknown>;
  const read = (key: string, kind: DayKind): void => {
    const entries = table[key];
    if (typeof entries !== 'object' || entries === null) {
      throw new Error(`chinese-days 数据格式异常：缺少 ${key}`);
    }
    for (const [date, value] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      // Values look like "National Day,国庆节,3": English name, Chinese name, holiday length.
      const parts = value.split(',');
      days.set(date, { kind, name: parts[1] || parts[0] || '' });
      // A year is covered when its holidays are published; make-up days alone
      // (e.g. a late-December one for next year's holiday) do not count.
      if (kind === 'holiday') years.add(Number(date.slice(0, 4)));
    }
  };
  read('holidays', 'holiday');
  read('workdays', 'workday');
  return { days, years };
}

const STATUTORY = loadStatutory();

/**
 * Whether the official schedule of that year is known. For years without data
 * (not yet published by the State Council, or a chinese-days release older than
 * the year) days fall back to plain Monday–Friday until the package is updated
 * or administrators enter the holidays as overrides.
 */
export function hasStatutoryCalendar(year: number): boolean {
  return STATUTORY.years.has(year);
}

// ---------------------------------------------------------------------------
// Local dates as day numbers (days since 1970-01-01 in China time)
// ---------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_RE = /^(\d{2}):(\d{2})$/;

function parseDay(date: string): number {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (m) {
    const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
    // Round-tripping rejects 2025-02-30 and Date.UTC's mapping of years 0–99 to 19xx.
    if (formatDay(day) === date) return day;
  }
  throw new Error(`日期“${String(date)}”无效，应为 YYYY-MM-DD 格式的有效日期`);
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function dayStart(day: number): number {
  return day * DAY_MS - CHINA_OFFSET_MS;
}

function localDayOf(instant: number): number {
  return Math.floor((instant + CHINA_OFFSET_MS) / DAY_MS);
}

/** Minutes since local midnight; '24:00' is accepted so that a day can end at midnight. */
function parseHhmm(hhmm: unknown): number | null {
  if (typeof hhmm !== 'string') return null;
  const m = HHMM_RE.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

function assertInstant(instant: number, what = '时间点'): void {
  if (typeof instant !== 'number' || !Number.isFinite(instant)) {
    throw new Error(`${what}无效：${String(instant)}`);
  }
}

// ---------------------------------------------------------------------------
// Business hours
// ---------------------------------------------------------------------------

export function parseBusinessHours(input: unknown): BusinessHours {
  if (!Array.isArray(input)) {
    throw new Error('营业时间格式错误：应为时段数组，例如 [["08:30","12:00"],["13:30","17:30"]]');
  }
  if (input.length === 0) {
    throw new Error('营业时间至少需要一个时段');
  }
  const result: BusinessHours = [];
  let prev: { start: number; end: number } | null = null;
  input.forEach((slot: unknown, i) => {
    const label = `第 ${i + 1} 个时段`;
    if (!Array.isArray(slot) || slot.length !== 2) {
      throw new Error(`${label}格式错误：应为 ["HH:mm","HH:mm"]`);
    }
    const [startText, endText] = slot as unknown[];
    const start = parseHhmm(startText);
    const end = parseHhmm(endText);
    if (start === null) {
      throw new Error(`${label}的开始时间“${String(startText)}”格式错误：应为 HH:mm（00:00–24:00）`);
    }
    if (end === null) {
      throw new Error(`${label}的结束时间“${String(endText)}”格式错误：应为 HH:mm（00:00–24:00）`);
    }
    if (end <= start) {
      throw new Error(`${label}的结束时间必须晚于开始时间`);
    }
    if (prev) {
      if (start < prev.start) throw new Error(`${label}早于前一个时段：营业时段必须按时间先后排列`);
      if (start < prev.end) throw new Error(`${label}与前一个时段重叠`);
    }
    prev = { start, end };
    result.push([startText as string, endText as string]);
  });
  return result;
}

// ---------------------------------------------------------------------------
// Evaluation context: built once per public call, so configuration edits made
// by administrators are always seen and nothing is cached across calls.
// ---------------------------------------------------------------------------

interface Ctx {
  /** Business intervals as [start, end) offsets in ms from local midnight. */
  intervals: Array<[number, number]>;
  overrides: Map<string, CalendarOverride>;
}

function buildOverrides(overrides: CalendarOverride[] | undefined): Map<string, CalendarOverride> {
  const map = new Map<string, CalendarOverride>();
  for (const o of overrides ?? []) {
    parseDay(o.date);
    if (o.kind !== 'workday' && o.kind !== 'holiday') {
      throw new Error(`日历覆盖 ${o.date} 的类型“${String(o.kind)}”无效：应为 workday 或 holiday`);
    }
    // Later entries win, matching "last edit wins" when a list is appended to.
    map.set(o.date, o);
  }
  return map;
}

function buildCtx(cfg: CalendarConfig, needHours: boolean): Ctx {
  const overrides = buildOverrides(cfg.overrides);
  if (!needHours) return { intervals: [], overrides };
  const hours = parseBusinessHours(cfg.businessHours);
  const intervals = hours.map(([s, e]) => [(parseHhmm(s) ?? 0) * MINUTE_MS, (parseHhmm(e) ?? 0) * MINUTE_MS] as [number, number]);
  return { intervals, overrides };
}

function describeDay(day: number, ctx: Ctx): DayInfo {
  const date = formatDay(day);
  const statutory = STATUTORY.days.get(date);
  const override = ctx.overrides.get(date);
  let info: DayInfo;
  if (override) {
    info = { date, working: override.kind === 'workday', reason: 'override' };
    if (override.note) info.note = override.note;
  } else if (statutory) {
    info = {
      date,
      working: statutory.kind === 'workday',
      reason: statutory.kind === 'workday' ? 'make_up_workday' : 'statutory_holiday',
    };
  } else {
    const wd = weekdayOf(day);
    const weekend = wd === 0 || wd === 6;
    info = { date, working: !weekend, reason: weekend ? 'weekend' : 'weekday' };
  }
  // Kept on overrides too so the admin page shows what an override replaces.
  if (statutory?.name) info.name = statutory.name;
  return info;
}

function isWorking(day: number, ctx: Ctx): boolean {
  const date = formatDay(day);
  const override = ctx.overrides.get(date);
  if (override) return override.kind === 'workday';
  const statutory = STATUTORY.days.get(date);
  if (statutory) return statutory.kind === 'workday';
  const wd = weekdayOf(day);
  return wd !== 0 && wd !== 6;
}

function noWorkingDayError(from: number): Error {
  return new Error(`自 ${formatDay(from)} 起连续 ${MAX_IDLE_DAYS} 天没有工作日，无法计算期限，请检查工作日历的节假日设置`);
}

function nextWorking(day: number, ctx: Ctx): number {
  for (let d = day; d <= day + MAX_IDLE_DAYS; d++) {
    if (isWorking(d, ctx)) return d;
  }
  throw noWorkingDayError(day);
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/** 'YYYY-MM-DD' of the instant in China time. */
export function toLocalDate(instant: number): string {
  assertInstant(instant);
  return formatDay(localDayOf(instant));
}

/** Instant of a China-local wall time. */
export function localDateTime(date: string, hhmm: string): number {
  const minutes = parseHhmm(hhmm);
  if (minutes === null) throw new Error(`时间“${String(hhmm)}”格式错误：应为 HH:mm`);
  return dayStart(parseDay(date)) + minutes * MINUTE_MS;
}

export function dayInfo(date: string, cfg: CalendarConfig): DayInfo {
  return describeDay(parseDay(date), buildCtx(cfg, false));
}

export function isWorkingDay(date: string, cfg: CalendarConfig): boolean {
  return isWorking(parseDay(date), buildCtx(cfg, false));
}

export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`天数必须是整数：${String(n)}`);
  return formatDay(parseDay(date) + n);
}

/** The same date if it is a working day, else the next working one. */
export function nextWorkingDay(date: string, cfg: CalendarConfig): string {
  return formatDay(nextWorking(parseDay(date), buildCtx(cfg, false)));
}

/**
 * n working days later. Received during business hours: the same wall time n working days
 * later (a start in the lunch break counts from the afternoon opening). Received before
 * opening, after closing or on a non-working day: the close of business of the n-th working
 * day counting the first one that begins after it, so Friday 19:00 + 1 → Monday 17:30 and
 * Monday 03:50 + 5 → Friday 17:30, never a due time in the middle of the night.
 * n = 0 returns the instant unchanged, like addWorkingMs.
 */
export function addWorkingDays(instant: number, n: number, cfg: CalendarConfig): number {
  assertInstant(instant);
  if (!Number.isInteger(n) || n < 0) throw new Error(`工作日天数必须是非负整数：${String(n)}`);
  if (n === 0) return instant;
  const ctx = buildCtx(cfg, true);
  let day = localDayOf(instant);
  const timeOfDay = instant - dayStart(day);
  const open = ctx.intervals[0]?.[0] ?? 0;
  const close = ctx.intervals[ctx.intervals.length - 1]?.[1] ?? DAY_MS;
  if (isWorking(day, ctx) && timeOfDay >= open && timeOfDay < close) {
    const inside = ctx.intervals.find(([s, e]) => timeOfDay >= s && timeOfDay < e);
    const wall = inside ? timeOfDay : (ctx.intervals.find(([s]) => s > timeOfDay)?.[0] ?? timeOfDay);
    for (let i = 0; i < n; i++) day = nextWorking(day + 1, ctx);
    return dayStart(day) + wall;
  }
  day = isWorking(day, ctx) && timeOfDay < open ? day : nextWorking(day + 1, ctx);
  for (let i = 1; i < n; i++) day = nextWorking(day + 1, ctx);
  return dayStart(day) + close;
}

/**
 * Consumes only time inside business hours of working days. A start outside
 * business hours begins at the next business interval. A deadline that uses up
 * an interval exactly ends at that interval's end (e.g. 17:30), not at the next
 * morning's opening. Walks day by day, never minute by minute.
 */
export function addWorkingMs(instant: number, ms: number, cfg: CalendarConfig): number {
  assertInstant(instant);
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new Error(`工作时长必须是非负数：${String(ms)}`);
  }
  let remaining = Math.round(ms);
  if (remaining === 0) return instant;
  const ctx = buildCtx(cfg, true);
  const firstDay = localDayOf(instant);
  let idleSince = firstDay;
  for (let day = firstDay; day <= firstDay + MAX_SPAN_DAYS; day++) {
    if (!isWorking(day, ctx)) {
      if (day - idleSince >= MAX_IDLE_DAYS) throw noWorkingDayError(idleSince);
      continue;
    }
    idleSince = day + 1;
    const base = dayStart(day);
    for (const [s, e] of ctx.intervals) {
      const end = base + e;
      if (end <= instant) continue;
      const start = Math.max(base + s, instant);
      const available = end - start;
      if (remaining <= available) return start + remaining;
      remaining -= available;
    }
  }
  throw new Error('工作时长过长，超出可计算范围（100 年）');
}

export function addWorkingHours(instant: number, hours: number, cfg: CalendarConfig): number {
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0) {
    throw new Error(`工作小时数必须是非负数：${String(hours)}`);
  }
  return addWorkingMs(instant, Math.round(hours * 3_600_000), cfg);
}

/** Business time elapsed between two instants; the inverse of addWorkingMs. */
export function workingMsBetween(from: number, to: number, cfg: CalendarConfig): number {
  assertInstant(from);
  assertInstant(to);
  if (to <= from) return 0;
  const ctx = buildCtx(cfg, true);
  const firstDay = localDayOf(from);
  const lastDay = localDayOf(to);
  if (lastDay - firstDay > MAX_SPAN_DAYS) throw new Error('时间跨度过长，超出可计算范围（100 年）');
  let total = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    if (!isWorking(day, ctx)) continue;
    const base = dayStart(day);
    for (const [s, e] of ctx.intervals) {
      const a = Math.max(base + s, from);
      const b = Math.min(base + e, to);
      if (b > a) total += b - a;
    }
  }
  return total;
}

function assertYearMonth(year: number, month: number): void {
  if (!Number.isInteger(year) || year < 1970 || year > 9999) throw new Error(`年份无效：${String(year)}`);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new Error(`月份无效：${String(month)}`);
}

/** Reception day (R-RD-1): the first Friday of the month, or the next working day when that Friday is not one. */
export function firstFridayOrNextWorkingDay(year: number, month: number, cfg: CalendarConfig): string {
  assertYearMonth(year, month);
  const first = Date.UTC(year, month - 1, 1) / DAY_MS;
  const friday = first + ((5 - weekdayOf(first) + 7) % 7);
  return formatDay(nextWorking(friday, buildCtx(cfg, false)));
}

export function monthDays(year: number, month: number, cfg: CalendarConfig): DayInfo[] {
  assertYearMonth(year, month);
  const ctx = buildCtx(cfg, false);
  const first = Date.UTC(year, month - 1, 1) / DAY_MS;
  const next = Date.UTC(year, month, 1) / DAY_MS;
  const days: DayInfo[] = [];
  for (let d = first; d < next; d++) days.push(describeDay(d, ctx));
  return days;
}
