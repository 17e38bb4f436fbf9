import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with its default cost: ~50 ms here, fine for logins.
export function hashPassword(plain: string): Promise<string> {
  return hash(plain);
}

export async function verifyPassword(stored: string, plain: string): Promise<boolean> {
  try {
    return await verify(stored, plain);
  } catch {
    return false;
  }
}

/** Checked on every new password; the message names the rule broken. */
export function passwordProblem(p: string): string | null {
  if (p.length < 8) return '密码至少 8 位';
  if (p.length > 128) return '密码最多 128 位';
  if (!/[A-Za-z]/.test(p) || !/\d/.test(p)) return '密码须同时包含字母和数字';
  return null;
}
