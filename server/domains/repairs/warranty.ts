/**
 * Free or paid (R-RP-2). A repair inside the unit is free while the defect's warranty runs
 * from the unit's handover; common areas are the management's own upkeep and always free.
 * The default periods follow the Construction Quality Regulation (建设工程质量管理条例 第四十条):
 * roofing and waterproofed bathrooms and outer walls 5 years, pipes, wiring, fittings and
 * decoration 2 years. Every period is a setting (`repair.warranty`).
 */
export interface WarrantyRules {
  /** Category name → years of warranty from handover. */
  years: Record<string, number>;
  /** For categories not listed. */
  defaultYears: number;
}

export const DEFAULT_WARRANTY: WarrantyRules = {
  years: { 屋面渗漏: 5, 洗手间漏水: 5, 外墙开裂: 5, 水电: 2, 门窗五金: 2, 墙面地面: 2 },
  defaultYears: 2,
};

export interface WarrantyInput {
  scope: 'in_unit' | 'common';
  categoryName: string | null;
  handoverDate: string | null;
  /** China-local date of the report */
  today: string;
}

export interface WarrantyResult {
  paid: boolean;
  inWarranty: boolean;
  warrantyEnds: string | null;
  reason: string;
}

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // 29 February + n years lands on 28 February in a common year.
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${y + years}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function assessWarranty(input: WarrantyInput, rules: WarrantyRules = DEFAULT_WARRANTY): WarrantyResult {
  if (input.scope === 'common') return { paid: false, inWarranty: false, warrantyEnds: null, reason: '公共设施维修，不向住户收费' };
  if (!input.handoverDate)
    return { paid: true, inWarranty: false, warrantyEnds: null, reason: '房屋交付日期未登记，按有偿维修处理（可人工改为免费）' };
  const years = (input.categoryName ? rules.years[input.categoryName] : undefined) ?? rules.defaultYears;
  const ends = addYears(input.handoverDate, years);
  if (input.today < ends) {
    return {
      paid: false,
      inWarranty: true,
      warrantyEnds: ends,
      reason: `${input.categoryName ?? '该类'}保修期 ${years} 年，至 ${ends}，保修期内免费`,
    };
  }
  return {
    paid: true,
    inWarranty: false,
    warrantyEnds: ends,
    reason: `${input.categoryName ?? '该类'}保修期 ${years} 年，已于 ${ends} 到期，按收费标准有偿维修`,
  };
}
