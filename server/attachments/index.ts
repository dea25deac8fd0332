import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { AttachmentLink } from '../../shared/index.js';
import type { AuditTrail } from '../audit/audit.js';
import type { Auth } from '../auth/auth.js';
import type { Clock } from '../live/clock.js';
import type { Metrics } from '../metrics.js';
import { fileHandler } from './files.js';
import { PhotoLinks } from './links.js';
import { uploadRoutes } from './routes.js';
import { PhotoStore } from './store.js';

export interface AttachmentsDeps {
  /** Where photos are kept: `<dataDir>/attachments`. */
  dir: string;
  auth: Auth;
  clock: Clock;
  metrics: Metrics;
  audit: AuditTrail;
  /**
   * The centre's offset from UTC (config.utcOffsetMinutes), for an EXIF date that names none:
   * cameras write their wall time. Beijing time when not given.
   */
  utcOffsetMinutes?: number;
}

/** Photos (attachments): upload, storage by content hash, and short-lived links to them. */
export interface Attachments {
  /** POST /api/v1/attachments: mounted on /api/v1 behind the API's login guard. */
  router: Router;
  /** Serves GET /files/… (the short-lived links) itself; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The ids of these that are not stored: a report or action naming one is refused. */
  missing(ids: readonly string[]): string[];
  /** Short-lived links to these photos, for a reader who may see the incident naming them. */
  links(ids: readonly string[]): Record<string, AttachmentLink>;
}

export function createAttachments(deps: AttachmentsDeps): Attachments {
  const store = new PhotoStore(deps.dir);
  const now = () => deps.clock().getTime();
  const signer = new PhotoLinks(randomBytes(32), now);
  return {
    router: uploadRoutes({
      auth: deps.auth,
      store,
      metrics: deps.metrics,
      audit: deps.audit,
      now: deps.clock,
      utcOffsetMinutes: deps.utcOffsetMinutes ?? 480,
    }),
    handle: fileHandler(store, signer, now),
    missing: (ids) => ids.filter((id) => !store.has(id)),
    links(ids) {
      const links: Record<string, AttachmentLink> = {};
      for (const id of ids) {
        const info = store.info(id);
        if (!info) continue;
        const full = signer.make(id, 'full');
        const thumb = signer.make(id, 'thumb');
        links[id] = {
          ...info,
          url: full.url,
          thumbUrl: thumb.url,
          expiresAt: new Date(full.expiresAt).toISOString(),
        };
      }
      return links;
    },
  };
}
