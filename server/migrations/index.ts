import type { WuyeMigration } from '../platform/db/migrate.ts';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_requests.ts';

/** The one migration list of both dialects, applied in key order. */
export const migrations: Record<string, WuyeMigration> = {
  '0001_foundation': m0001,
  '0002_requests': m0002,
};
