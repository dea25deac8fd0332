import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  demoCity,
  INGEST_KEY,
  login,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';

let server: TestServer;
let duty: string;
let testStart: Date;
beforeAll(async () => {
  testStart = new Date();
  server = await startTestServer();
  duty = await login(server.url, 'duty');
});
afterAll(() => server.stop());

const PHONE = '13812345678';

/** An Open311 call as a client makes it: a form body by default, the key where it is told. */
async function open311(
  path: string,
  options: {
    method?: string;
    form?: Record<string, string>;
    json?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; text: string }> {
  const body = options.form
    ? new URLSearchParams(options.form)
    : options.json !== undefined
      ? JSON.stringify(options.json)
      : undefined;
  const res = await fetch(`${server.url}/open311/v2${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

const keyed = (path: string, query = '') =>
  open311(`${path}?api_key=${INGEST_KEY}${query ? `&${query}` : ''}`);

/** A point at the centre of a grid no other request of this file uses. */
function point(): { lat: string; long: string } {
  const { lng, lat } = report().location;
  return { lat: String(lat), long: String(lng) };
}

async function post(form: Record<string, string>): Promise<string> {
  const res = await open311('/requests.json', { form: { api_key: INGEST_KEY, ...form } });
  expect(res.status, res.text).toBe(201);
  return res.body[0].service_request_id;
}

const act = (id: string, body: Record<string, unknown>) =>
  api(server.url, `/api/v1/incidents/${id}/actions`, { token: duty, body });

async function version(id: string): Promise<number> {
  return (await api(server.url, `/api/v1/incidents/${id}`, { token: duty })).body.incident.version;
}

const ids = (body: { service_request_id: string }[]) => body.map((r) => r.service_request_id);

describe('Open311 GeoReport v2', () => {
  // Requests made by the round trip, kept for the filter tests.
  let managed = '';
  let rejected = '';
  let open = '';

  it('serves discovery, the catalogue and a service definition', async () => {
    const discovery = await open311('/discovery.json');
    expect(discovery.status).toBe(200);
    expect(discovery.body).toMatchObject({
      changeset: expect.any(String),
      contact: expect.any(String),
      key_service: expect.stringContaining('api_key'),
    });
    expect(discovery.body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: `${server.url}/open311/v2`,
      formats: ['application/json'],
    });

    const services = await open311('/services.json');
    expect(services.status).toBe(200);
    expect(services.body.map((s: { service_code: string }) => s.service_code)).toEqual([
      'dispute',
      'public-order',
      'safety-hazard',
      'city-management',
      'citizen-request',
      'video-alarm',
      'emergency',
    ]);
    expect(services.body[3]).toMatchObject({
      service_code: 'city-management',
      service_name: '城市管理',
      metadata: true,
      type: 'realtime',
      keywords: expect.any(String),
      group: expect.any(String),
      description: expect.any(String),
    });
    const english = await open311('/services.json?locale=en');
    expect(english.body[0].service_name).toBe('Dispute');
    const byHeader = await open311('/services.json', {
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(byHeader.body[0].service_name).toBe('Dispute');

    const definition = await open311('/services/city-management.json');
    expect(definition.status).toBe(200);
    expect(definition.body.service_code).toBe('city-management');
    const severity = definition.body.attributes.find(
      (a: { code: string }) => a.code === 'severity',
    );
    expect(severity).toMatchObject({ datatype: 'singlevaluelist', required: false });
    expect(severity.values.map((v: { key: string }) => v.key)).toEqual([
      'low',
      'medium',
      'high',
      'critical',
    ]);

    const unknown = await open311('/services/potholes.json');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual([{ code: 404, description: expect.stringContaining('potholes') }]);
  });

  it('takes a form-encoded request and follows it through the loop to closed', async () => {
    const at = point();
    const posted = await open311('/requests.json', {
      form: {
        api_key: INGEST_KEY,
        service_code: 'city-management',
        ...at,
        description: '人行道井盖缺失，夜间有人踩空',
        'attribute[severity]': 'high',
        first_name: '伟',
        last_name: '张',
        email: 'zhangwei@example.cn',
        phone: PHONE,
        media_url: 'https://example.cn/photo.jpg',
        external_id: 'app-4711',
      },
    });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body).toEqual([
      {
        service_request_id: expect.stringMatching(/^INC-/),
        service_notice: expect.any(String),
        account_id: null,
      },
    ]);
    managed = posted.body[0].service_request_id;

    // The client's retry after a lost answer: the same request, not a second one.
    const retry = await open311('/requests.json', {
      form: {
        api_key: INGEST_KEY,
        service_code: 'city-management',
        ...at,
        description: '人行道井盖缺失，夜间有人踩空',
        external_id: 'app-4711',
      },
    });
    expect(retry.status).toBe(200);
    expect(retry.body[0].service_request_id).toBe(managed);

    // What our own API recorded: the duty officer sees the caller to call back.
    const detail = (await api(server.url, `/api/v1/incidents/${managed}`, { token: duty })).body;
    expect(detail.incident).toMatchObject({
      category: 'city-management',
      severity: 'high',
      source: 'online-petition',
      description: '人行道井盖缺失，夜间有人踩空',
      contact: { name: '张伟', phone: PHONE },
    });
    expect(detail.reports).toHaveLength(1);
    const { areaNames } = detail.incident;

    const read = async (locale = 'en') => {
      const res = await keyed(`/requests/${managed}.json`, `locale=${locale}`);
      expect(res.status, res.text).toBe(200);
      expect(res.text).not.toContain(PHONE);
      expect(res.text).not.toContain('zhangwei');
      expect(res.body).toHaveLength(1);
      return res.body[0];
    };

    const first = await read('zh');
    expect(first).toMatchObject({
      service_request_id: managed,
      status: 'open',
      status_notes: '已收到，等待受理',
      service_name: '城市管理',
      service_code: 'city-management',
      description: '人行道井盖缺失，夜间有人踩空',
      agency_responsible: null,
      service_notice: expect.any(String),
      address: `${areaNames.street} ${areaNames.community} ${areaNames.grid}`,
      lat: Number(at.lat),
      long: Number(at.long),
      media_url: null,
    });
    // 受理 runs on the default 15 minutes for city management.
    expect(Date.parse(first.expected_datetime) - Date.parse(first.requested_datetime)).toBe(
      15 * 60_000,
    );
    expect(first.updated_datetime).toBe(first.requested_datetime);

    // A city-wide department: it serves every street, so any grid's request may go to it.
    const department = demoCity().departments.find(
      (d) => !d.streetId && !(d as { regionId?: string }).regionId,
    )!;
    const steps: [Record<string, unknown>, string, string | null][] = [
      [{ action: 'accept' }, 'Accepted; waiting to be dispatched', null],
      [
        { action: 'dispatch', departmentId: department.id },
        'Dispatched to the responsible department',
        department.name,
      ],
      [
        { action: 'respond', departmentId: department.id },
        'The department has taken it on',
        department.name,
      ],
      [
        { action: 'report', departmentId: department.id, comment: '已补装井盖' },
        'The department reported it done; the result is being checked',
        department.name,
      ],
    ];
    let before = first;
    for (const [body, notes, agency] of steps) {
      const res = await act(managed, { ...body, version: await version(managed) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const now = await read();
      expect(now).toMatchObject({
        status: 'open',
        status_notes: notes,
        agency_responsible: agency,
      });
      expect(now.service_name).toBe('City management');
      // Each step starts its own clock: the running deadline our API shows.
      expect(now.expected_datetime).toBe(res.body.incident.deadline.dueAt);
      expect(Date.parse(now.updated_datetime)).toBeGreaterThanOrEqual(
        Date.parse(before.updated_datetime),
      );
      before = now;
    }

    const closed = await act(managed, { action: 'close', version: await version(managed) });
    expect(closed.status).toBe(200);
    expect(await read()).toMatchObject({
      status: 'closed',
      status_notes: 'Resolved and closed',
      agency_responsible: department.name,
      expected_datetime: null,
    });
  });

  it('reads a rejected request as closed, saying it was not accepted', async () => {
    rejected = await post({ service_code: 'dispute', ...point(), description: '楼上漏水' });
    const res = await act(rejected, { action: 'reject', version: 1, comment: '重复反映' });
    expect(res.status).toBe(200);
    const [read] = (await keyed(`/requests/${rejected}.json`, 'locale=en')).body;
    expect(read.status).toBe('closed');
    expect(read.status_notes).toContain('Not accepted');
    // The desk's own comment is for colleagues, not for the client.
    expect(read.status_notes).not.toContain('重复反映');
  });

  it('takes JSON too, with attributes as an object', async () => {
    const res = await open311('/requests.json', {
      json: {
        api_key: INGEST_KEY,
        service_code: 'citizen-request',
        ...point(),
        description: '小区停水两天',
        attribute: { severity: 'critical', group_risk: 'true' },
      },
    });
    expect(res.status, res.text).toBe(201);
    open = res.body[0].service_request_id;
    const { incident } = (await api(server.url, `/api/v1/incidents/${open}`, { token: duty })).body;
    expect(incident).toMatchObject({
      severity: 'critical',
      groupRisk: true,
      title: '小区停水两天',
    });
  });

  it('filters requests.json by id, service, status and dates, newest first', async () => {
    const list = async (query: string) => {
      const res = await keyed('/requests.json', query);
      expect(res.status, res.text).toBe(200);
      expect(res.text).not.toContain(PHONE);
      return ids(res.body);
    };
    // The three requests of this file, in the order they were made: managed, rejected, open.
    expect(await list('')).toEqual([open, rejected, managed]);
    expect(await list('service_code=city-management')).toEqual([managed]);
    expect(await list('service_code=dispute,citizen-request')).toEqual([open, rejected]);
    expect(await list('status=open')).toEqual([open]);
    expect(await list('status=closed')).toEqual([rejected, managed]);
    expect(await list('status=closed&service_code=dispute')).toEqual([rejected]);
    expect(await list(`service_request_id=${managed},${open},INC-NOPE`)).toEqual([open, managed]);
    expect(await list('limit=1')).toEqual([open]);
    expect(await list('limit=2&offset=1')).toEqual([rejected, managed]);

    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const aMinuteBefore = new Date(testStart.getTime() - 60_000).toISOString();
    expect(await list(`start_date=${encodeURIComponent(inAnHour)}`)).toEqual([]);
    expect(await list(`end_date=${encodeURIComponent(aMinuteBefore)}`)).toEqual([]);
    expect(
      await list(
        `start_date=${encodeURIComponent(aMinuteBefore)}&end_date=${encodeURIComponent(inAnHour)}`,
      ),
    ).toEqual([open, rejected, managed]);
    // 91 days ago until 90 days ago: outside the default window, nothing of today.
    const day = 86_400_000;
    const longAgo = new Date(Date.now() - 91 * day).toISOString();
    expect(await list(`start_date=${encodeURIComponent(longAgo)}`)).toEqual([]);
  });

  it('refuses bad query parameters with a 400 naming them', async () => {
    const refused = async (query: string, field: string) => {
      const res = await keyed('/requests.json', query);
      expect(res.status, res.text).toBe(400);
      expect(res.body[0].code).toBe(400);
      expect(res.body.map((e: { description: string }) => e.description).join(' ')).toContain(
        field,
      );
    };
    await refused('status=pending', 'status');
    await refused('service_code=potholes', 'service_code');
    await refused('start_date=yesterday', 'start_date');
    await refused('start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', 'end_date');
    await refused('start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z', 'end_date');
    await refused('limit=1001', 'limit');
  });

  it('requires an api_key on requests, missing (401) or unknown (403)', async () => {
    const missing = await open311('/requests.json');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual([{ code: 401, description: expect.stringContaining('api_key') }]);
    const wrong = await open311('/requests.json?api_key=not-a-key');
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    expect((await open311(`/requests/${managed}.json`)).status).toBe(401);

    const unkeyed = await open311('/requests.json', {
      form: { service_code: 'dispute', ...point(), description: '无钥匙' },
    });
    expect(unkeyed.status).toBe(401);
    const badKey = await open311('/requests.json', {
      form: { api_key: 'not-a-key', service_code: 'dispute', ...point() },
    });
    expect(badKey.status).toBe(403);
    expect(badKey.body[0].code).toBe(403);
    // The key in the header, as for /api/v1/reports, is checked before the body.
    const header = await open311('/requests.json', {
      form: { service_code: 'dispute', ...point() },
      headers: { authorization: 'Bearer not-a-key' },
    });
    expect(header.status).toBe(403);
  });

  it('refuses bad requests with a 400 whose description names the field', async () => {
    const refused = async (form: Record<string, string>, ...fields: string[]) => {
      const res = await open311('/requests.json', { form: { api_key: INGEST_KEY, ...form } });
      expect(res.status, res.text).toBe(400);
      const said = res.body.map((e: { code: number; description: string }) => {
        expect(e.code).toBe(400);
        return e.description;
      });
      for (const f of fields) expect(said.join(' ')).toContain(f);
      return said.join(' ');
    };
    await refused({ ...point(), description: '没有类型' }, 'service_code');
    await refused({ service_code: 'dispute', lat: 'north', long: '112.9' }, 'lat');
    await refused({ service_code: 'dispute', lat: '95', long: '112.9' }, 'lat');
    await refused({ service_code: 'dispute', lat: '22.9' }, 'long');
    expect(
      await refused({ service_code: 'dispute', address_string: '滨江路1号' }, 'lat'),
    ).toContain('geocode');
    await refused(
      { service_code: 'dispute', ...point(), 'attribute[colour]': 'red' },
      'attribute[colour]',
    );
    await refused(
      { service_code: 'dispute', ...point(), 'attribute[severity]': 'huge' },
      'attribute[severity]',
    );
    await refused({ service_code: 'dispute', ...point(), phone: 'call me' }, 'phone');
    await refused({ lat: 'x', long: 'y' }, 'service_code', 'lat', 'long');
    // A point far outside the city: named as the client sent it.
    expect(
      await refused({ service_code: 'dispute', lat: '30', long: '100' }, 'lat 30, long 100'),
    ).toContain('outside the city');
  });

  it('is JSON only: XML answers 406, unknown paths 404, both as error arrays', async () => {
    for (const path of ['/services.xml', '/discovery.xml', `/requests/${managed}.xml`]) {
      const res = await open311(`${path}?api_key=${INGEST_KEY}`);
      expect(res.status).toBe(406);
      expect(res.body[0].description).toContain('XML');
    }
    const postXml = await open311('/requests.xml', {
      form: { api_key: INGEST_KEY, service_code: 'dispute', ...point() },
    });
    expect(postXml.status).toBe(406);
    const nowhere = await open311('/tokens/abc.json');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body[0].code).toBe(404);
    const missing = await keyed('/requests/INC-00000000-000000.json');
    expect(missing.status).toBe(404);
    expect(missing.body[0].description).toContain('INC-00000000-000000');
  });
});
