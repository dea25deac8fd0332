import { describe, expect, it } from 'vitest';
import { isMaskedPhone, phoneHref, phoneText } from './contact.js';

describe('the caller’s phone on screen', () => {
  it('keeps a masked number exactly as the server masked it, with no link to call', () => {
    expect(isMaskedPhone('138****1234')).toBe(true);
    expect(phoneText('138****1234')).toBe('138****1234');
    expect(phoneHref('138****1234')).toBeUndefined();
  });

  it('groups a full mobile number 3-4-4 and makes it callable', () => {
    expect(phoneText('13812341234')).toBe('138 1234 1234');
    expect(phoneText('138-1234-1234')).toBe('138 1234 1234');
    expect(phoneHref('138 1234 1234')).toBe('tel:13812341234');
  });

  it('leaves a landline as written', () => {
    expect(phoneText('0571-8888 1234')).toBe('0571-8888 1234');
    expect(phoneHref('0571-8888 1234')).toBe('tel:057188881234');
  });
});
