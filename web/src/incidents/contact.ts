/**
 * The caller's phone as the server sent it: in full to duty officers, masked (138****1234) to
 * everyone else. The screen never unmasks and never guesses; it only makes a full number
 * readable and callable.
 */
export function isMaskedPhone(phone: string): boolean {
  return phone.includes('*');
}

/** A full mainland mobile number in the usual 3-4-4 groups; anything else as it came. */
export function phoneText(phone: string): string {
  const digits = phone.replace(/[\s-]/g, '');
  if (!isMaskedPhone(phone) && /^1\d{10}$/.test(digits))
    return `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`;
  return phone.trim();
}

/** A tel: link for a number the reader may call; none for a masked one. */
export function phoneHref(phone: string): string | undefined {
  if (isMaskedPhone(phone)) return undefined;
  const dial = phone.replace(/[^0-9+]/g, '');
  return dial.length >= 5 ? `tel:${dial}` : undefined;
}
