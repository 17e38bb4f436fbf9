import type { WuyeMigration } from '../platform/db/migrate.ts';
import * as m0001 from './0001_foundation.ts';

/** The one migration list of both dialects, applied in key order. */
export const migrations: Record<string, WuyeMigration> = {
  '0001_foundation': m0001,
};
