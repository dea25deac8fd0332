import type { AttachmentLink } from '../../../shared/domain/attachments.js';
import type { TimelineEntry } from '../../../shared/domain/incidents.js';

/**
 * The newest photos of a timeline that can be shown (a link came with them), newest first, each
 * once: the same photo attached to two steps is one picture.
 */
export function latestPhotos(
  timeline: readonly Pick<TimelineEntry, 'photos'>[],
  links: Readonly<Record<string, AttachmentLink>>,
  limit: number,
): string[] {
  const out: string[] = [];
  for (let n = timeline.length - 1; n >= 0 && out.length < limit; n--)
    for (const id of [...(timeline[n]!.photos ?? [])].reverse())
      if (links[id] && !out.includes(id) && out.length < limit) out.push(id);
  return out;
}
