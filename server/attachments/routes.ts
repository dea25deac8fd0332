import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { ATTACHMENT_MAX_BYTES, LOOP_ROLES, type AttachmentInfo } from '../../shared/index.js';
import type { AuditTrail } from '../audit/audit.js';
import type { Auth } from '../auth/auth.js';
import { HttpError, type ErrorCode } from '../http-error.js';
import { handle, requireUser } from '../http/middleware.js';
import { moduleLog } from '../log.js';
import type { Metrics } from '../metrics.js';
import { convert } from './images.js';
import { readFacts } from './metadata.js';
import { sniff } from './sniff.js';
import type { PhotoStore } from './store.js';

const log = moduleLog('attachments');

export interface UploadDeps {
  auth: Auth;
  store: PhotoStore;
  metrics: Metrics;
  audit: AuditTrail;
  now: () => Date;
  utcOffsetMinutes: number;
}

/** How each refusal is counted; anything else is `failed`. */
const RESULTS: Partial<Record<ErrorCode, string>> = {
  attachment_type: 'type',
  attachment_too_large: 'too_large',
  attachment_unreadable: 'unreadable',
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * `POST /attachments`: the body is the photo's bytes, whatever the Content-Type says. Answers
 * 201 with the info of a new photo, 200 with the same info for a photo already stored (a phone
 * retrying after it lost the answer), so a retry is always safe.
 */
export function uploadRoutes(deps: UploadDeps): Router {
  const { store } = deps;
  /** Uploads being converted, by the SHA-256 of their original: a retry joins the first. */
  const inflight = new Map<string, Promise<AttachmentInfo>>();

  const accept = async (original: Buffer): Promise<{ info: AttachmentInfo; created: boolean }> => {
    const kind = sniff(original);
    if (!kind) {
      throw new HttpError(415, 'not a JPEG, PNG, WebP or HEIC image', { code: 'attachment_type' });
    }
    const originalSha = sha256(original);
    const known = await store.byOriginal(originalSha);
    const knownInfo = known && store.info(known);
    if (knownInfo) return { info: knownInfo, created: false };
    const pending = inflight.get(originalSha);
    if (pending) return { info: await pending, created: false };

    let created = false;
    const work = (async () => {
      // Before conversion, which drops every tag.
      const facts = await readFacts(original, deps.now(), deps.utcOffsetMinutes);
      const converted = await convert(original, kind);
      const id = sha256(converted.image);
      const info: AttachmentInfo = {
        id,
        type: converted.type,
        bytes: converted.image.length,
        width: converted.width,
        height: converted.height,
        ...facts,
      };
      created = await store.put(info, converted.image, converted.thumb);
      await store.rememberOriginal(originalSha, id);
      // The same pixels from another original keep the info they were first stored with.
      return created ? info : (store.info(id) ?? info);
    })();
    inflight.set(originalSha, work);
    try {
      return { info: await work, created };
    } finally {
      inflight.delete(originalSha);
    }
  };

  const router = Router();
  router.post(
    '/attachments',
    requireUser(deps.auth, LOOP_ROLES),
    handle(async (req, res) => {
      const principal = req.principal!;
      const record = (outcome: 'ok' | 'refused', detail: Record<string, unknown>) =>
        deps.audit.record({
          action: 'attachment.uploaded',
          actor: principal.id,
          actorRole: principal.role,
          address: req.ip,
          outcome,
          detail,
        });
      try {
        const { info, created } = await accept(await readUpload(req, res));
        deps.metrics.count(...COUNTER, 1, { result: created ? 'stored' : 'duplicate' });
        record('ok', { id: info.id, duplicate: !created });
        log.info({ id: info.id, type: info.type, bytes: info.bytes, created }, 'photo uploaded');
        res.status(created ? 201 : 200).json(info);
      } catch (err) {
        const code = err instanceof HttpError ? err.code : undefined;
        const result = (code && RESULTS[code]) ?? 'failed';
        deps.metrics.count(...COUNTER, 1, { result });
        if (result !== 'failed') record('refused', { code });
        throw err;
      }
    }),
  );
  return router;
}

const COUNTER = ['citybrain_attachments_total', 'photos uploaded, by result'] as const;

/**
 * The request body, at most ATTACHMENT_MAX_BYTES. A larger one is refused as soon as it is
 * known to be larger (by its Content-Length, or once that many bytes came), and the rest is
 * never read: the connection closes after the answer rather than take in 50 MB for nothing.
 */
function readUpload(req: Request, res: Response): Promise<Buffer> {
  // express.json has read a JSON body already: whatever it was, it was no photo.
  if (req.body !== undefined) {
    return Promise.reject(
      new HttpError(415, 'not a JPEG, PNG, WebP or HEIC image', { code: 'attachment_type' }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const tooLarge = () => {
      done();
      chunks.length = 0;
      req.pause();
      res.setHeader('connection', 'close');
      reject(
        new HttpError(413, `a photo may have at most ${ATTACHMENT_MAX_BYTES} bytes`, {
          code: 'attachment_too_large',
        }),
      );
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > ATTACHMENT_MAX_BYTES) tooLarge();
      else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    if (Number(req.headers['content-length']) > ATTACHMENT_MAX_BYTES) return tooLarge();
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
