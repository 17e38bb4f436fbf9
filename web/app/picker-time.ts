import dayjs, { type Dayjs } from 'dayjs';
import { chinaEpoch, formatDateTime } from './format';

/**
 * Date-time pickers show and return China wall-clock time whatever the browser's zone,
 * as every other time in the console does: an instant goes in as its China reading and
 * comes out read as China time.
 */
export function pickerOf(ms: number | null | undefined): Dayjs | undefined {
  if (ms === null || ms === undefined) return undefined;
  return dayjs(formatDateTime(ms));
}

export function epochOf(d: Dayjs): number {
  return chinaEpoch(d.format('YYYY-MM-DD'), d.format('HH:mm'));
}

/** "Now" as a picker value, for defaults such as "customer told at". */
export function pickerNow(): Dayjs {
  return dayjs(formatDateTime(Date.now()));
}
