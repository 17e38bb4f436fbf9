import type { WuyeMigration } from '../platform/db/migrate.ts';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_requests.ts';
import * as m0003 from './0003_request_closed_index.ts';
import * as m0004 from './0004_repair_prices.ts';
import * as m0005 from './0005_company_wide_lists.ts';
import * as m0006 from './0006_repair_orders.ts';
import * as m0007 from './0007_repair_callbacks.ts';
import * as m0008 from './0008_complaints.ts';
import * as m0009 from './0009_complaint_closure.ts';
import * as m0010 from './0010_complaint_escalation_cases.ts';
import * as m0011 from './0011_visitors_incidents.ts';
import * as m0012 from './0012_id_copies.ts';
import * as m0013 from './0013_goods_release.ts';
import * as m0014 from './0014_request_search.ts';

/** The one migration list of both dialects, applied in key order. */
export const migrations: Record<string, WuyeMigration> = {
  '0001_foundation': m0001,
  '0002_requests': m0002,
  '0003_request_closed_index': m0003,
  '0004_repair_prices': m0004,
  '0005_company_wide_lists': m0005,
  '0006_repair_orders': m0006,
  '0007_repair_callbacks': m0007,
  '0008_complaints': m0008,
  '0009_complaint_closure': m0009,
  '0010_complaint_escalation_cases': m0010,
  '0011_visitors_incidents': m0011,
  '0012_id_copies': m0012,
  '0013_goods_release': m0013,
  '0014_request_search': m0014,
};
