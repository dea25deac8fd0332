import { launchBrowser, loginAs } from './browser.js';
import { postReport, report, startTestServer, api, login } from './server.js';

const server = await startTestServer();
const browser = await launchBrowser();
// An incident with a crowd of reports, and a stream URL issued so the trail has rows.
const at = report({ title: '商场门口人员聚集' });
for (let i = 0; i < 12; i++) await postReport(server.url, { ...at, externalId: `shot-${i}` });
const duty = await login(server.url, 'duty');
await api(server.url, '/api/v1/cameras/cam-0001/stream', { token: duty, body: { screen: 'video' } });

const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
await page.goto(`${server.url}/login`);
for (let i = 0; i < 11; i++) {
  await page.fill('input[name=username]', 'leader');
  await page.fill('input[name=password]', `wrong-${i}`);
  await page.click('button[type=submit]');
  await page.waitForTimeout(150);
}
await page.screenshot({ path: '/tmp/shots/login-throttled.png' });

await loginAs(page, server.url, 'duty');
await page.getByText('商场门口人员聚集').first().click();
await page.waitForTimeout(1500);
await page.screenshot({ path: '/tmp/shots/desk-detail.png' });

const admin = await browser.newPage({ viewport: { width: 1366, height: 768 } });
await loginAs(admin, server.url, 'admin');
await admin.waitForTimeout(1500);
await admin.screenshot({ path: '/tmp/shots/admin-audit.png' });
await browser.close();
await server.stop();
