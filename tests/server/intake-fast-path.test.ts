import type { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlainJson } from '../../server/http/json-body.js';
import { INGEST_KEY, report, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** The fast path takes `/api/v1/reports`; with a trailing slash, the same route is Express's. */
const FAST = '/api/v1/reports';
const EXPRESS = '/api/v1/reports/';

async function post(
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${INGEST_KEY}`,
      ...headers,
    },
    body,
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const refusedCount = async (status: number) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`citybrain_intake_reports_total\\{result="rejected-${status}"\\} (\\d+)`);
  return Number(m.exec(text)?.[1] ?? 0);
};

describe('the intake fast path', () => {
  it('takes only plain UTF-8 JSON, leaving other bodies to express.json', () => {
    const req = (headers: Record<string, string>) =>
      isPlainJson({ headers: { 'content-length': '2', ...headers } } as IncomingMessage);
    expect(req({ 'content-type': 'application/json' })).toBe(true);
    expect(req({ 'content-type': 'Application/JSON; charset="UTF-8"' })).toBe(true);
    expect(req({ 'content-type': 'application/json; charset=utf-16le' })).toBe(false);
    expect(req({ 'content-type': 'text/plain' })).toBe(false);
    expect(req({ 'content-type': 'application/json', 'content-encoding': 'gzip' })).toBe(false);
    expect(
      isPlainJson({ headers: { 'content-type': 'application/json' } } as IncomingMessage),
    ).toBe(false);
  });

  it('answers exactly as the Express route does, error for error', async () => {
    const valid = () => JSON.stringify(report());
    const cases: [string, () => string, Record<string, string>?][] = [
      ['broken JSON', () => '{"source": '],
      ['a bare string', () => '"a report"'],
      ['only whitespace', () => ' \n '],
      ['an empty body', () => ''],
      ['an array', () => '[1, 2]'],
      ['bad fields', () => JSON.stringify({ ...report(), category: 'alien', title: '' })],
      ['outside the city', () => JSON.stringify(report({ location: { lng: 116.4, lat: 39.9 } }))],
      ['a wrong key', valid, { authorization: 'Bearer wrong-key-123' }],
      ['no key', valid, { authorization: '' }],
      ['over 1 MB', () => JSON.stringify({ ...report(), description: 'x'.repeat(1_100_000) })],
      [
        'over 1 MB with a wrong key',
        () => JSON.stringify({ ...report(), description: 'x'.repeat(1_100_000) }),
        { authorization: 'Bearer wrong-key-123' },
      ],
    ];
    for (const [what, body, headers] of cases) {
      const fast = await post(FAST, body(), headers);
      const express = await post(EXPRESS, body(), headers);
      expect({ what, ...fast }).toEqual({ what, ...express });
      expect(fast.status, what).toBeGreaterThanOrEqual(400);
    }
  });

  it('creates and deduplicates like the Express route, a byte-order mark or not', async () => {
    for (const path of [FAST, EXPRESS]) {
      const body = `\uFEFF${JSON.stringify(report())}`;
      const first = await post(path, body);
      expect(first).toMatchObject({ status: 201, body: { result: 'created' } });
      expect(first.type).toBe('application/json; charset=utf-8');
      expect(await post(path, body)).toMatchObject({ status: 200, body: { result: 'duplicate' } });
    }
  });

  it('still takes a compressed body, through Express', async () => {
    const res = await post(FAST, Uint8Array.from(gzipSync(JSON.stringify(report()))), {
      'content-encoding': 'gzip',
    });
    expect(res).toMatchObject({ status: 201, body: { result: 'created' } });
  });

  it('counts what it refuses in the metrics', async () => {
    const before = await refusedCount(401);
    await post(FAST, JSON.stringify(report()), { authorization: 'Bearer wrong-key-123' });
    expect(await refusedCount(401)).toBe(before + 1);
  });
});
