import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, HttpError } from '../http-error.js';
import { moduleLog } from '../log.js';
import type { PhotoLinks } from './links.js';
import type { PhotoStore, Variant } from './store.js';

const log = moduleLog('attachments');

/** The only shape a photo link has; checked on the raw URL, so no dot segment reaches a path. */
const FILE_PATH = /^\/files\/([0-9a-f]{64})$/;
const QUERY_RULES: Record<string, RegExp> = {
  v: /^(full|thumb)$/,
  exp: /^\d{1,15}$/,
  sig: /^[A-Za-z0-9_-]{24}$/,
};

const invalid = (message: string) =>
  new HttpError(403, message, { code: 'attachment_link_invalid' });

/**
 * Serves `GET`/`HEAD /files/<id>?v=&exp=&sig=`, the photo links, before Express: a screen of
 * incidents loads dozens of thumbnails at once. Answers and returns true for every GET or HEAD
 * under /files/, returns false for anything else.
 */
export function fileHandler(store: PhotoStore, links: PhotoLinks, now: () => number) {
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path, query = ''] = (req.url ?? '').split('?', 2) as [string, string?];
    const id = FILE_PATH.exec(path)?.[1];
    const params = linkQuery(query);
    if (!id || !params) throw invalid('malformed photo link');
    const variant = params.v as Variant;
    const expiresAt = Number(params.exp);
    if (!links.verify(id, variant, expiresAt, params.sig!)) throw invalid('photo link not valid');
    const left = expiresAt - now();
    if (left <= 0) throw invalid('photo link expired: reload the incident for a new one');

    const file = store.file(id, variant);
    if (!file) throw new HttpError(404, 'no such photo');
    const handle = await open(file.path, 'r').catch(() => {
      throw new HttpError(404, 'no such photo');
    });
    try {
      const { size } = await handle.stat();
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': size,
        // Private: a shared cache must not keep what only a signed-in reader was given.
        'cache-control': `private, max-age=${Math.floor(left / 1000)}`,
        'content-disposition': 'inline',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
    } catch (err) {
      await handle.close();
      throw err;
    }
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }
    const stream = handle.createReadStream();
    stream.on('error', (err) => {
      log.warn({ err, id, variant }, 'photo read failed');
      res.destroy();
    });
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!req.url?.startsWith('/files/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return false;
    }
    serve(req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError)) log.error({ err }, 'photo request failed');
      if (res.headersSent) return void res.destroy();
      const answer = errorBody(err);
      const body = JSON.stringify(answer.body);
      res
        .writeHead(answer.status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
        })
        .end(req.method === 'HEAD' ? undefined : body);
    });
    return true;
  };
}

/** The link's three parameters, each once and well formed; undefined for anything else. */
function linkQuery(query: string): Record<string, string> | undefined {
  const found: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const rule = Object.hasOwn(QUERY_RULES, key) ? QUERY_RULES[key] : undefined;
    if (!rule || Object.hasOwn(found, key) || !rule.test(value)) return undefined;
    found[key] = value;
  }
  return Object.keys(found).length === Object.keys(QUERY_RULES).length ? found : undefined;
}
