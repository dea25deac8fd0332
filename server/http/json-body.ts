import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http-error.js';

/** Room for a batch of hundreds of ordinary reports; a larger batch is refused whole (413). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const BODY_TOO_LARGE = 'request body too large';
export const BODY_NOT_JSON = 'request body is not valid JSON';

// The same codes as the Express error handler gives body-parser's refusals (http/middleware.ts).
const notJson = () => new HttpError(400, BODY_NOT_JSON, { code: 'body_not_json' });

/** Only plain UTF-8 JSON; any other type, charset or content encoding is left to express.json. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Whether `readJsonBody` reads this request exactly as express.json would. */
export function isPlainJson(req: IncomingMessage): boolean {
  const { 'content-type': type, 'content-encoding': encoding } = req.headers;
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
  return (
    hasBody &&
    PLAIN_JSON.test(type ?? '') &&
    (encoding === undefined || encoding.toLowerCase() === 'identity')
  );
}

/**
 * Reads a JSON body by express.json's rules: at most BODY_LIMIT_BYTES (413, the rest read off so
 * the connection can carry the next request), an empty body is `{}`, and only an object or an
 * array parses. Calls back only if the request finishes: an aborted one has no one to answer.
 */
export function readJsonBody(
  req: IncomingMessage,
  done: (err: HttpError | undefined, body?: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number(req.headers['content-length']) > BODY_LIMIT_BYTES;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) {
      tooLarge = true;
      chunks.length = 0;
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return done(new HttpError(413, BODY_TOO_LARGE, { code: 'body_too_large' }));
    // Like iconv-lite behind express.json, a byte-order mark is not part of the text.
    const text = Buffer.concat(chunks, size)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    if (text.length === 0) return done(undefined, {});
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return done(notJson());
    }
    // express.json's strict mode: a bare string, number, boolean or null is refused too.
    if (typeof body !== 'object' || body === null) return done(notJson());
    done(undefined, body);
  });
}
