import { describe, expect, it } from 'vitest';
import type { AttachmentLink } from '../../../shared/domain/attachments.js';
import { latestPhotos } from './latest-photos.js';

const link = {} as AttachmentLink;
const links = { a: link, b: link, c: link, d: link };

describe('latestPhotos', () => {
  it('takes the newest steps’ photos first, each once, only those with a link', () => {
    const timeline = [{ photos: ['a', 'b'] }, {}, { photos: ['c', 'gone', 'a'] }];
    expect(latestPhotos(timeline, links, 3)).toEqual(['a', 'c', 'b']);
    expect(latestPhotos(timeline, links, 1)).toEqual(['a']);
    expect(latestPhotos([], links, 3)).toEqual([]);
  });
});
