import { randomBytes, randomFillSync } from 'node:crypto';

// Random bytes are drawn a few kilobytes at a time: one crypto call per id cost more than the rest of the id.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolAt = POOL_SIZE;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** UUIDv7: time-ordered, so ids sort by creation and merge safely across nodes. */
export function newId(now = Date.now()): string {
  if (poolAt + 10 > POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 10;
  const b = [
    Math.floor(now / 2 ** 40) & 0xff,
    Math.floor(now / 2 ** 32) & 0xff,
    (now >>> 24) & 0xff,
    (now >>> 16) & 0xff,
    (now >>> 8) & 0xff,
    now & 0xff,
    ((pool[r] as number) & 0x0f) | 0x70,
    pool[r + 1] as number,
    ((pool[r + 2] as number) & 0x3f) | 0x80,
    pool[r + 3] as number,
    pool[r + 4] as number,
    pool[r + 5] as number,
    pool[r + 6] as number,
    pool[r + 7] as number,
    pool[r + 8] as number,
    pool[r + 9] as number,
  ];
  const h = b.map((x) => HEX[x]).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
