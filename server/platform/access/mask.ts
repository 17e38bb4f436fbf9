/** 13812345678 → 138****5678: enough to confirm a caller, not to call them. */
export function maskPhone(phone: string): string {
  if (!phone) return '';
  if (phone.length <= 4) return '*'.repeat(phone.length);
  if (phone.length < 8) return `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}`;
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** 110101199001011234 → 1101**********1234 */
export function maskIdNumber(id: string): string {
  if (!id) return '';
  if (id.length <= 8) return `${'*'.repeat(Math.max(0, id.length - 2))}${id.slice(-2)}`;
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}
