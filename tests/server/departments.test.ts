import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.js';
import {
  api,
  login,
  postReport,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';

const PASSWORD = 'a-department-password';
const POLICE = 'dept-public-security';
const CITY_MANAGEMENT = 'dept-city-management';

/** A department's user acts only for its own department, over REST and the socket alike. */
describe('a department user', () => {
  let server: TestServer;
  let ingestKey: string;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-departments-'));
    // Cheap hashes: these passwords are the test's own. Real accounts leave the demo's out.
    const hash = hashPassword(PASSWORD, 1024);
    writeFileSync(
      join(dataDir, 'accounts.json'),
      JSON.stringify({
        users: [
          { username: 'zhangwei', name: '值班员 张伟', role: 'duty', passwordHash: hash },
          {
            username: 'police',
            name: '公安局 王警官',
            role: 'department',
            departmentId: POLICE,
            passwordHash: hash,
          },
          {
            username: 'chengguan',
            name: '城管局 刘科长',
            role: 'department',
            departmentId: CITY_MANAGEMENT,
            passwordHash: hash,
          },
        ],
      }),
    );
    server = await startTestServer({ dataDir });
    ingestKey = server.auth.internalKey('test-integration');
  });
  afterAll(() => server?.stop());

  it('answers for its own department, and may not answer for another', async () => {
    const duty = await login(server.url, 'zhangwei', PASSWORD);
    const police = await login(server.url, 'police', PASSWORD);
    const chengguan = await login(server.url, 'chengguan', PASSWORD);
    const posted = await postReport(server.url, report({ title: '部门权限' }), ingestKey);
    expect(posted.status).toBe(201);
    const id = posted.body.incidentId as string;
    const act = (token: string, body: Record<string, unknown>) =>
      api(server.url, `/api/v1/incidents/${id}/actions`, { token, body });
    expect((await act(duty, { action: 'accept', version: 1 })).status).toBe(200);
    expect((await act(duty, { action: 'dispatch', version: 2, departmentId: POLICE })).status).toBe(
      200,
    );

    // City management's user answering for the police, or for itself on the police's case.
    for (const departmentId of [POLICE, CITY_MANAGEMENT]) {
      const refused = await act(chengguan, { action: 'respond', version: 3, departmentId });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('department_mismatch');
    }

    // The police's own user answers (报到), recorded under its name and department.
    const done = await act(police, { action: 'respond', version: 3, departmentId: POLICE });
    expect(done.status).toBe(200);
    expect(done.body.incident.state).toBe('handling');
    expect(done.body.incident.timeline.at(-1).actor).toMatchObject({
      id: 'police',
      role: 'department',
      departmentId: POLICE,
    });
  });

  it('has no demo account beside the real ones', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'duty', password: 'citybrain-demo' }),
    });
    expect(res.status).toBe(401);
    expect((await postReport(server.url, report())).status).toBe(401);
  });
});
