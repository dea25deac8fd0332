import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, HttpError } from '../http-error.js';
import { moduleLog } from '../log.js';
import type { IntakeEndpoint, IntakeRoute } from './ingest-routes.js';
import { isPlainJson, readJsonBody } from './json-body.js';

const log = moduleLog('intake');

const ROUTES: Readonly<Record<string, IntakeRoute>> = {
  '/api/v1/reports': 'report',
  '/api/v1/reports/batch': 'batch',
};

/**
 * Report POSTs for the HTTP server to try before Express: at a thousand a second, Express's
 * routing, middleware and response helpers cost as much CPU as storing the reports. Same
 * answers, errors and metrics as the Express routes, which still take anything unusual (a
 * compressed body, another charset, a trailing slash). Returns whether it took the request.
 */
export function intakeFastPath(
  endpoint: IntakeEndpoint,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (status >= 400) endpoint.refused(status);
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  };
  const fail = (res: ServerResponse, err: unknown) => {
    if (!(err instanceof HttpError)) log.error({ err }, 'report intake failed');
    const { status, body } = errorBody(err);
    send(res, status, body);
  };
  return (req, res) => {
    const route = req.method === 'POST' ? ROUTES[req.url ?? ''] : undefined;
    if (!route || !isPlainJson(req)) return false;
    try {
      endpoint.gate(req.headers.authorization);
    } catch (err) {
      // The body stays unread: the connection closes rather than wait for it.
      res.setHeader('connection', 'close');
      fail(res, err);
      return true;
    }
    readJsonBody(req, (err, body) => {
      if (err) return fail(res, err);
      endpoint.answer(route, req.headers.authorization, body).then(
        ({ status, body: answer }) => send(res, status, answer),
        (e: unknown) => fail(res, e),
      );
    });
    return true;
  };
}
