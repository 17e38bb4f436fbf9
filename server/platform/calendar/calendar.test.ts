import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  addWorkingHours,
  addWorkingMs,
  type BusinessHours,
  type CalendarConfig,
  type CalendarOverride,
  DEFAULT_BUSINESS_HOURS,
  dayInfo,
  firstFridayOrNextWorkingDay,
  hasStatutoryCalendar,
  isWorkingDay,
  localDateTime,
  monthDays,
  nextWorkingDay,
  parseBusinessHours,
  toLocalDate,
  workingMsBetween,
} from './calendar.ts';

const HOUR = 3_600_000;
const LUNCH_HOURS: BusinessHours = [
  ['08:30', '12:00'],
  ['13:30', '17:30'],
];

const cfg = (overrides: CalendarOverride[] = [], businessHours: BusinessHours = DEFAULT_BUSINESS_HOURS): CalendarConfig => ({
  businessHours,
  overrides,
});
const STD = cfg();

/** China wall time built without any help from the module under test. */
const cst = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h - 8, mi);

/** China wall time built through the module, so results read as 'YYYY-MM-DD HH:mm'. */
const at = (date: string, hhmm: string): number => localDateTime(date, hhmm);

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const fmt = (instant: number): string => {
  const d = new Date(instant + 8 * HOUR);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`;
};

/**
 * Every scenario is written twice, with instants built by localDateTime and by
 * explicit UTC arithmetic, so a regression in either direction is caught.
 */
function mainAssertions(): void {
  // National Day 2025: Tue 16:00 + 4h → 1.5h on Sep 30, 2.5h on Thu Oct 9.
  expect(fmt(addWorkingHours(at('2025-09-30', '16:00'), 4, STD))).toBe('2025-10-09 11:00');
  expect(addWorkingHours(cst(2025, 9, 30, 16), 4, STD)).toBe(cst(2025, 10, 9, 11));
  expect(isWorkingDay('2025-09-28', STD)).toBe(true);
  expect(isWorkingDay('2025-10-11', STD)).toBe(true);
  expect(toLocalDate(cst(2025, 10, 1, 0))).toBe('2025-10-01');
  expect(toLocalDate(cst(2025, 10, 1, 0) - 1)).toBe('2025-09-30');
  // Spring Festival 2026: Fri 13, make-up Sat 14, then Tue 24 after the holiday.
  expect(fmt(addWorkingDays(at('2026-02-12', '10:00'), 3, STD))).toBe('2026-02-24 10:00');
  expect(addWorkingDays(cst(2026, 2, 12, 10), 3, STD)).toBe(cst(2026, 2, 24, 10));
  // Lunch break.
  expect(addWorkingHours(cst(2025, 11, 5, 11), 2, cfg([], LUNCH_HOURS))).toBe(cst(2025, 11, 5, 14, 30));
  expect(workingMsBetween(cst(2025, 9, 30, 16), cst(2025, 10, 9, 11), STD)).toBe(4 * HOUR);
  expect(firstFridayOrNextWorkingDay(2025, 10, STD)).toBe('2025-10-09');
}

describe('time zone handling', () => {
  it('localDateTime is China time (UTC+8) regardless of process TZ', () => {
    expect(localDateTime('2025-10-09', '11:00')).toBe(Date.UTC(2025, 9, 9, 3, 0));
    expect(localDateTime('2025-01-01', '00:00')).toBe(Date.UTC(2024, 11, 31, 16, 0));
    expect(localDateTime('2025-01-01', '24:00')).toBe(localDateTime('2025-01-02', '00:00'));
    expect(toLocalDate(Date.UTC(2024, 11, 31, 16, 0))).toBe('2025-01-01');
    expect(toLocalDate(Date.UTC(2024, 11, 31, 15, 59, 59, 999))).toBe('2024-12-31');
  });

  it('main assertions hold in the current process TZ', () => {
    mainAssertions();
  });

  it('main assertions hold after switching the process TZ', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati', 'America/Sao_Paulo']) {
        process.env.TZ = tz;
        mainAssertions();
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rejects malformed dates and times', () => {
    expect(() => localDateTime('2025-02-30', '08:00')).toThrow(/无效/);
    expect(() => localDateTime('2025-2-3', '08:00')).toThrow(/YYYY-MM-DD/);
    expect(() => localDateTime('0050-01-01', '08:00')).toThrow(/无效/);
    expect(() => localDateTime('2025-02-03', '8:00')).toThrow(/HH:mm/);
    expect(() => toLocalDate(Number.NaN)).toThrow(/无效/);
  });
});

describe('official schedule (chinese-days)', () => {
  it('National Day 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 are make-up days', () => {
    for (let d = 1; d <= 8; d++) {
      expect(isWorkingDay(`2025-10-0${d}`, STD), `2025-10-0${d}`).toBe(false);
    }
    expect(dayInfo('2025-09-28', STD)).toEqual({
      date: '2025-09-28',
      working: true,
      reason: 'make_up_workday',
      name: '国庆节',
    });
    expect(dayInfo('2025-10-11', STD)).toEqual({
      date: '2025-10-11',
      working: true,
      reason: 'make_up_workday',
      name: '国庆节',
    });
    expect(dayInfo('2025-10-01', STD)).toEqual({
      date: '2025-10-01',
      working: false,
      reason: 'statutory_holiday',
      name: '国庆节',
    });
    // Mid-Autumn fell inside the National Day break in 2025.
    expect(dayInfo('2025-10-06', STD).name).toBe('中秋');
    expect(dayInfo('2025-10-09', STD)).toEqual({ date: '2025-10-09', working: true, reason: 'weekday' });
    expect(dayInfo('2025-10-12', STD)).toEqual({ date: '2025-10-12', working: false, reason: 'weekend' });
  });

  it('Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 are make-up days', () => {
    expect(isWorkingDay('2026-02-14', STD)).toBe(true);
    expect(isWorkingDay('2026-02-28', STD)).toBe(true);
    for (let d = 15; d <= 23; d++) {
      expect(dayInfo(`2026-02-${d}`, STD)).toMatchObject({ working: false, reason: 'statutory_holiday', name: '春节' });
    }
    expect(isWorkingDay('2026-02-24', STD)).toBe(true);
  });

  it('Labour Day 2026 and New Year 2026 with its Sunday make-up day', () => {
    for (const d of ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05']) {
      expect(dayInfo(d, STD)).toMatchObject({ working: false, reason: 'statutory_holiday', name: '劳动节' });
    }
    expect(dayInfo('2026-05-09', STD)).toMatchObject({ working: true, reason: 'make_up_workday' });
    expect(dayInfo('2026-01-04', STD)).toMatchObject({ working: true, reason: 'make_up_workday', name: '元旦' });
  });

  // chinese-days' own functions are only trusted east of UTC: west of it they
  // shift dates by a day, which is why the module reads the package's JSON.
  const eastOfUtc = new Date(Date.UTC(2025, 0, 15)).getTimezoneOffset() <= 0 && new Date(Date.UTC(2025, 6, 15)).getTimezoneOffset() <= 0;
  it.runIf(eastOfUtc)('agrees with chinese-days.isWorkday on every day of 2025–2026', () => {
    for (let date = '2025-01-01'; date <= '2026-12-31'; date = addDays(date, 1)) {
      expect(isWorkingDay(date, STD), date).toBe(chineseDays.isWorkday(date));
    }
  });

  it('falls back to Monday–Friday for a year without official data', () => {
    expect(hasStatutoryCalendar(2025)).toBe(true);
    expect(hasStatutoryCalendar(2026)).toBe(true);
    expect(hasStatutoryCalendar(2099)).toBe(false);
    expect(dayInfo('2099-01-01', STD)).toEqual({ date: '2099-01-01', working: true, reason: 'weekday' });
    expect(dayInfo('2099-01-03', STD)).toEqual({ date: '2099-01-03', working: false, reason: 'weekend' });
  });
});

describe('addDays / nextWorkingDay', () => {
  it('adds calendar days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(() => addDays('2025-01-01', 1.5)).toThrow();
  });

  it('returns the same date when working, else the next working one', () => {
    expect(nextWorkingDay('2025-09-30', STD)).toBe('2025-09-30');
    expect(nextWorkingDay('2025-10-01', STD)).toBe('2025-10-09');
    expect(nextWorkingDay('2026-02-15', STD)).toBe('2026-02-24');
    expect(nextWorkingDay('2026-01-02', STD)).toBe('2026-01-04');
  });
});

describe('addWorkingDays', () => {
  it('counts the Sunday and Saturday make-up days around National Day 2025', () => {
    const start = at('2025-09-26', '09:00'); // Friday
    expect(fmt(addWorkingDays(start, 1, STD))).toBe('2025-09-28 09:00');
    expect(fmt(addWorkingDays(start, 3, STD))).toBe('2025-09-30 09:00');
    expect(fmt(addWorkingDays(start, 4, STD))).toBe('2025-10-09 09:00');
    expect(fmt(addWorkingDays(start, 6, STD))).toBe('2025-10-11 09:00');
    expect(fmt(addWorkingDays(start, 7, STD))).toBe('2025-10-13 09:00');
    expect(fmt(addWorkingDays(at('2025-10-10', '10:00'), 1, STD))).toBe('2025-10-11 10:00');
  });

  it('crosses Spring Festival 2026', () => {
    const start = at('2026-02-12', '10:00'); // Thursday
    expect(fmt(addWorkingDays(start, 1, STD))).toBe('2026-02-13 10:00');
    expect(fmt(addWorkingDays(start, 2, STD))).toBe('2026-02-14 10:00');
    expect(fmt(addWorkingDays(start, 3, STD))).toBe('2026-02-24 10:00');
    expect(fmt(addWorkingDays(start, 5, STD))).toBe('2026-02-26 10:00');
    expect(fmt(addWorkingDays(start, 7, STD))).toBe('2026-02-28 10:00');
    expect(fmt(addWorkingDays(start, 8, STD))).toBe('2026-03-02 10:00');
  });

  it('ends at close of business of the n-th working day when received on a non-working day', () => {
    // Received during the Spring Festival holiday: the first working day is Tue Feb 24.
    expect(fmt(addWorkingDays(at('2026-02-18', '15:00'), 1, STD))).toBe('2026-02-24 17:30');
    expect(fmt(addWorkingDays(at('2026-02-18', '15:00'), 2, STD))).toBe('2026-02-25 17:30');
    // Ordinary weekend: Monday is the first working day.
    expect(fmt(addWorkingDays(at('2025-11-08', '10:00'), 1, STD))).toBe('2025-11-10 17:30');
    expect(fmt(addWorkingDays(at('2025-11-08', '10:00'), 1, cfg([], LUNCH_HOURS)))).toBe('2025-11-10 17:30');
  });

  it('never lands in the night: after closing counts from the next working day, before opening from this one', () => {
    // Tue Sep 30 2025 22:15: the next working day is Thu Oct 9 (National Day week).
    expect(fmt(addWorkingDays(at('2025-09-30', '22:15'), 1, STD))).toBe('2025-10-09 17:30');
    // Mon Nov 23 2026 03:50: Monday itself is the first of the five days.
    expect(fmt(addWorkingDays(at('2026-11-23', '03:50'), 5, STD))).toBe('2026-11-27 17:30');
    // Friday evening + 1 → Monday close; the make-up Saturday Oct 11 2025 counts.
    expect(fmt(addWorkingDays(at('2025-10-10', '19:00'), 1, STD))).toBe('2025-10-11 17:30');
  });

  it('a start in the lunch break counts from the afternoon opening', () => {
    expect(fmt(addWorkingDays(at('2025-11-10', '12:40'), 1, cfg([], LUNCH_HOURS)))).toBe('2025-11-11 13:30');
  });

  it('returns the instant unchanged for 0 and rejects negative or fractional counts', () => {
    const sat = at('2025-11-08', '10:00');
    expect(addWorkingDays(sat, 0, STD)).toBe(sat);
    expect(() => addWorkingDays(sat, -1, STD)).toThrow(/非负整数/);
    expect(() => addWorkingDays(sat, 1.5, STD)).toThrow(/非负整数/);
  });
});

describe('addWorkingHours / addWorkingMs', () => {
  it('National Day 2025: 4h from Tue Sep 30 16:00 lands on Thu Oct 9 11:00', () => {
    expect(fmt(addWorkingHours(at('2025-09-30', '16:00'), 4, STD))).toBe('2025-10-09 11:00');
  });

  it('counts a make-up Saturday and skips the following Sunday', () => {
    expect(fmt(addWorkingHours(at('2025-10-10', '16:00'), 3, STD))).toBe('2025-10-11 10:00');
    expect(fmt(addWorkingHours(at('2025-10-11', '17:00'), 1, STD))).toBe('2025-10-13 09:00');
    expect(fmt(addWorkingHours(at('2026-02-14', '17:00'), 2, STD))).toBe('2026-02-24 10:00');
  });

  it('lunch break: 2h from 11:00 lands at 14:30', () => {
    const c = cfg([], LUNCH_HOURS);
    expect(fmt(addWorkingHours(at('2025-11-05', '11:00'), 2, c))).toBe('2025-11-05 14:30');
    expect(fmt(addWorkingHours(at('2025-11-05', '11:00'), 4, c))).toBe('2025-11-05 16:30');
    expect(fmt(addWorkingHours(at('2025-11-05', '12:30'), 1, c))).toBe('2025-11-05 14:30');
    expect(fmt(addWorkingHours(at('2025-11-05', '17:00'), 1, c))).toBe('2025-11-06 09:00');
  });

  it('starts outside business hours at the next interval', () => {
    expect(fmt(addWorkingHours(at('2025-11-05', '06:00'), 1, STD))).toBe('2025-11-05 09:30');
    expect(fmt(addWorkingHours(at('2025-11-05', '20:00'), 1, STD))).toBe('2025-11-06 09:30');
    expect(fmt(addWorkingHours(at('2025-11-07', '20:00'), 1, STD))).toBe('2025-11-10 09:30');
  });

  it('ends at closing time when the time is used up exactly', () => {
    expect(fmt(addWorkingHours(at('2025-11-05', '08:30'), 9, STD))).toBe('2025-11-05 17:30');
    expect(fmt(addWorkingHours(at('2025-11-05', '08:30'), 9.5, STD))).toBe('2025-11-06 09:00');
  });

  it('accepts fractional hours and 0 returns the instant unchanged', () => {
    expect(fmt(addWorkingHours(at('2025-11-05', '17:00'), 0.75, STD))).toBe('2025-11-06 08:45');
    const sunday = at('2025-11-09', '03:00');
    expect(addWorkingHours(sunday, 0, STD)).toBe(sunday);
    expect(addWorkingMs(sunday, 0, STD)).toBe(sunday);
    expect(addWorkingMs(at('2025-11-05', '17:29'), 60_000, STD)).toBe(at('2025-11-05', '17:30'));
    expect(() => addWorkingHours(sunday, -1, STD)).toThrow(/非负/);
    expect(() => addWorkingMs(sunday, Number.POSITIVE_INFINITY, STD)).toThrow(/非负/);
  });

  it('handles long durations quickly', () => {
    // 200 working days of 9h: 2025-01-02 … ends on the 200th working day of 2025.
    const end = addWorkingHours(at('2025-01-01', '00:00'), 200 * 9, STD);
    let count = 0;
    for (let d = '2025-01-01'; d <= toLocalDate(end); d = addDays(d, 1)) if (isWorkingDay(d, STD)) count++;
    expect(count).toBe(200);
    expect(fmt(end).slice(11)).toBe('17:30');

    const t0 = performance.now();
    for (let i = 0; i < 5000; i++) addWorkingHours(at('2025-09-30', '16:00') + i * 60_000, 40, STD);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('administrator overrides', () => {
  const friday = at('2025-10-31', '10:00');
  const mondayOff: CalendarOverride = { date: '2025-11-03', kind: 'holiday', note: '小区停电' };
  const sundayOn: CalendarOverride = { date: '2025-11-02', kind: 'workday' };

  it('a weekday made a holiday and a Sunday made a workday change the results', () => {
    expect(fmt(addWorkingDays(friday, 1, STD))).toBe('2025-11-03 10:00');
    expect(fmt(addWorkingDays(friday, 1, cfg([mondayOff])))).toBe('2025-11-04 10:00');
    expect(fmt(addWorkingDays(friday, 1, cfg([sundayOn, mondayOff])))).toBe('2025-11-02 10:00');
    expect(fmt(addWorkingDays(friday, 2, cfg([sundayOn, mondayOff])))).toBe('2025-11-04 10:00');

    const late = at('2025-10-31', '17:00');
    expect(fmt(addWorkingHours(late, 2, STD))).toBe('2025-11-03 10:00');
    expect(fmt(addWorkingHours(late, 2, cfg([mondayOff])))).toBe('2025-11-04 10:00');
    expect(fmt(addWorkingHours(late, 2, cfg([sundayOn])))).toBe('2025-11-02 10:00');
    expect(workingMsBetween(late, at('2025-11-04', '10:00'), cfg([mondayOff]))).toBe(2 * HOUR);
  });

  it('wins over the official schedule and is reported by dayInfo', () => {
    const c = cfg([mondayOff, { date: '2025-10-03', kind: 'workday' }, { date: '2025-10-11', kind: 'holiday' }]);
    expect(dayInfo('2025-11-03', c)).toEqual({
      date: '2025-11-03',
      working: false,
      reason: 'override',
      note: '小区停电',
    });
    expect(dayInfo('2025-10-03', c)).toEqual({ date: '2025-10-03', working: true, reason: 'override', name: '国庆节' });
    expect(isWorkingDay('2025-10-11', c)).toBe(false);
    expect(firstFridayOrNextWorkingDay(2025, 10, c)).toBe('2025-10-03');
  });

  it('the last override of a date wins', () => {
    const c = cfg([
      { date: '2025-11-03', kind: 'holiday' },
      { date: '2025-11-03', kind: 'workday' },
    ]);
    expect(isWorkingDay('2025-11-03', c)).toBe(true);
  });

  it('rejects invalid overrides', () => {
    expect(() => isWorkingDay('2025-11-03', cfg([{ date: '2025-13-01', kind: 'holiday' }]))).toThrow(/无效/);
    expect(() => isWorkingDay('2025-11-03', cfg([{ date: '2025-11-03', kind: 'off' as unknown as 'holiday' }]))).toThrow(
      /workday 或 holiday/,
    );
  });

  it('terminates with a clear error when no working day exists', () => {
    const allOff: CalendarOverride[] = [];
    for (let d = '2025-01-01'; d <= '2028-12-31'; d = addDays(d, 1)) allOff.push({ date: d, kind: 'holiday' });
    const c = cfg(allOff);
    const start = at('2025-03-01', '09:00');
    expect(() => addWorkingHours(start, 1, c)).toThrow(/没有工作日/);
    expect(() => addWorkingDays(start, 1, c)).toThrow(/没有工作日/);
    expect(() => nextWorkingDay('2025-03-01', c)).toThrow(/没有工作日/);
    expect(() => firstFridayOrNextWorkingDay(2025, 3, c)).toThrow(/没有工作日/);
    expect(workingMsBetween(start, at('2025-06-01', '09:00'), c)).toBe(0);
  });
});

describe('workingMsBetween', () => {
  it('is the inverse of addWorkingMs on fixed cases', () => {
    const cases: Array<[number, number, CalendarConfig]> = [
      [at('2025-09-30', '16:00'), 4 * HOUR, STD],
      [at('2025-09-30', '00:00'), 18 * HOUR, STD],
      [at('2025-10-03', '12:00'), 1 * HOUR, STD],
      [at('2026-02-13', '17:00'), 12 * HOUR, STD],
      [at('2025-11-05', '11:00'), 2 * HOUR, cfg([], LUNCH_HOURS)],
      [at('2025-11-05', '12:45'), 30 * 60_000, cfg([], LUNCH_HOURS)],
      [at('2025-10-31', '17:00'), 2 * HOUR, cfg([{ date: '2025-11-03', kind: 'holiday' }])],
    ];
    for (const [from, ms, c] of cases) {
      const to = addWorkingMs(from, ms, c);
      expect(workingMsBetween(from, to, c), fmt(from)).toBe(ms);
    }
  });

  it('counts only business time of working days', () => {
    expect(workingMsBetween(at('2025-09-30', '16:00'), at('2025-10-09', '11:00'), STD)).toBe(4 * HOUR);
    expect(workingMsBetween(at('2025-09-30', '00:00'), at('2025-10-10', '00:00'), STD)).toBe(18 * HOUR);
    expect(workingMsBetween(at('2025-10-01', '09:00'), at('2025-10-05', '09:00'), STD)).toBe(0);
    expect(workingMsBetween(at('2025-11-05', '11:00'), at('2025-11-05', '14:30'), cfg([], LUNCH_HOURS))).toBe(2 * HOUR);
    expect(workingMsBetween(at('2025-11-05', '12:00'), at('2025-11-05', '11:00'), STD)).toBe(0);
    // Spring Festival 2026 week: only Fri Feb 13 and make-up Sat Feb 14 count.
    expect(workingMsBetween(at('2026-02-13', '00:00'), at('2026-02-24', '00:00'), STD)).toBe(18 * HOUR);
  });

  it('round-trips for random instants in 2025–2026 (fixed seed)', () => {
    // mulberry32: tiny deterministic generator so failures are reproducible.
    let seed = 0x5eed_2025;
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const configs = [
      STD,
      cfg([], LUNCH_HOURS),
      cfg(
        [
          { date: '2025-11-03', kind: 'holiday' },
          { date: '2025-11-02', kind: 'workday' },
        ],
        LUNCH_HOURS,
      ),
    ];
    const lo = at('2025-01-01', '00:00');
    const hi = at('2026-12-31', '00:00');
    for (let i = 0; i < 400; i++) {
      const c = configs[i % configs.length] as CalendarConfig;
      const from = lo + Math.floor(rand() * (hi - lo));
      const ms = Math.floor(rand() * 120 * HOUR) + 1;
      const to = addWorkingMs(from, ms, c);
      expect(to).toBeGreaterThan(from);
      expect(workingMsBetween(from, to, c)).toBe(ms);
      // A deadline always falls on a working day, inside or at the end of business hours.
      expect(isWorkingDay(toLocalDate(to), c)).toBe(true);
      const offset = (to + 8 * HOUR) % (24 * HOUR);
      const inside = c.businessHours.some(([s, e]) => offset > minutesOf(s) * 60_000 && offset <= minutesOf(e) * 60_000);
      expect(inside, fmt(to)).toBe(true);

      // The other direction: a target inside business hours is reached exactly.
      const target = lo + Math.floor(rand() * (hi - lo));
      const elapsed = workingMsBetween(from, target, c);
      if (elapsed > 0 && workingMsBetween(target - 1, target, c) === 1) {
        expect(addWorkingMs(from, elapsed, c)).toBe(target);
      }
    }
  });
});

describe('firstFridayOrNextWorkingDay (reception day)', () => {
  it('moves a holiday Friday to the next working day', () => {
    // Fri Oct 3 2025 is in the National Day break (Oct 1–8).
    expect(firstFridayOrNextWorkingDay(2025, 10, STD)).toBe('2025-10-09');
    // Fri May 1 2026 is Labour Day (May 1–5).
    expect(firstFridayOrNextWorkingDay(2026, 5, STD)).toBe('2026-05-06');
    // Fri Jan 2 2026 and Sat Jan 3 are off; Sun Jan 4 is a make-up working day.
    expect(firstFridayOrNextWorkingDay(2026, 1, STD)).toBe('2026-01-04');
    expect(firstFridayOrNextWorkingDay(2026, 10, STD)).toBe('2026-10-08');
  });

  it('is the first Friday in a normal month', () => {
    expect(firstFridayOrNextWorkingDay(2025, 11, STD)).toBe('2025-11-07');
    expect(firstFridayOrNextWorkingDay(2026, 2, STD)).toBe('2026-02-06');
    // Fri Apr 3 2026 is a working day; Qingming starts on Saturday.
    expect(firstFridayOrNextWorkingDay(2026, 4, STD)).toBe('2026-04-03');
  });

  it('rejects invalid months', () => {
    expect(() => firstFridayOrNextWorkingDay(2025, 13, STD)).toThrow(/月份/);
    expect(() => firstFridayOrNextWorkingDay(2025.5, 1, STD)).toThrow(/年份/);
  });
});

describe('monthDays', () => {
  it('lists every day of the month with its reason', () => {
    const oct = monthDays(2025, 10, cfg([{ date: '2025-10-20', kind: 'holiday', note: '检修' }]));
    expect(oct).toHaveLength(31);
    expect(oct[0]).toEqual({ date: '2025-10-01', working: false, reason: 'statutory_holiday', name: '国庆节' });
    expect(oct[10]).toEqual({ date: '2025-10-11', working: true, reason: 'make_up_workday', name: '国庆节' });
    expect(oct[19]).toEqual({ date: '2025-10-20', working: false, reason: 'override', note: '检修' });
    expect(oct.filter((d) => d.working)).toHaveLength(17);
    expect(monthDays(2026, 2, STD)).toHaveLength(28);
    expect(monthDays(2024, 2, STD)).toHaveLength(29);
  });
});

describe('parseBusinessHours', () => {
  it('accepts valid hours and returns a copy', () => {
    const input = [
      ['08:30', '12:00'],
      ['13:30', '17:30'],
    ];
    const parsed = parseBusinessHours(input);
    expect(parsed).toEqual(input);
    expect(parsed).not.toBe(input);
    expect(parseBusinessHours([['00:00', '24:00']])).toEqual([['00:00', '24:00']]);
    expect(
      parseBusinessHours([
        ['08:00', '12:00'],
        ['12:00', '18:00'],
      ]),
    ).toHaveLength(2);
    expect(parseBusinessHours(DEFAULT_BUSINESS_HOURS)).toEqual([['08:30', '17:30']]);
  });

  it('rejects bad input with Chinese messages', () => {
    expect(() => parseBusinessHours('08:30-17:30')).toThrow(/营业时间格式错误/);
    expect(() => parseBusinessHours([])).toThrow(/至少需要一个时段/);
    expect(() => parseBusinessHours([['08:30']])).toThrow(/第 1 个时段格式错误/);
    expect(() => parseBusinessHours([['8:30', '17:30']])).toThrow(/开始时间“8:30”格式错误/);
    expect(() => parseBusinessHours([['08:30', '25:00']])).toThrow(/结束时间“25:00”格式错误/);
    expect(() => parseBusinessHours([['08:60', '17:30']])).toThrow(/格式错误/);
    expect(() => parseBusinessHours([['08:30', 1730]])).toThrow(/格式错误/);
    expect(() => parseBusinessHours([['17:30', '08:30']])).toThrow(/结束时间必须晚于开始时间/);
    expect(() => parseBusinessHours([['08:30', '08:30']])).toThrow(/结束时间必须晚于开始时间/);
    expect(() =>
      parseBusinessHours([
        ['08:30', '12:30'],
        ['12:00', '17:30'],
      ]),
    ).toThrow(/第 2 个时段与前一个时段重叠/);
    expect(() =>
      parseBusinessHours([
        ['13:30', '17:30'],
        ['08:30', '12:00'],
      ]),
    ).toThrow(/按时间先后排列/);
  });

  it('bad hours in a config are reported by the working-time functions', () => {
    expect(() => addWorkingHours(at('2025-11-05', '09:00'), 1, cfg([], [['18:00', '09:00']]))).toThrow(/结束时间必须晚于开始时间/);
  });
});
