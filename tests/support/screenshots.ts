// Takes screenshots of every screen at its target size, for people to look at:
// `npm run screenshots` (against a running demo at BASE_URL, default http://127.0.0.1:8080).
import { mkdirSync } from 'node:fs';
import { launchBrowser, loginAs } from './browser.js';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const out = process.env.OUT_DIR ?? '.screenshots';
const settle = Number(process.env.SETTLE_MS ?? 4000);
mkdirSync(out, { recursive: true });

const browser = await launchBrowser();
const shots: [string, string, number, number, string?][] = [
  ['login', '/login', 1366, 768],
  ['desk-1366', '/desk', 1366, 768, 'duty'],
  ['desk-2560', '/desk', 2560, 1440, 'duty'],
  ['brief-1280', '/brief', 1280, 800, 'leader'],
  ['video-1366', '/video', 1366, 768, 'duty'],
  ['video-2560', '/video', 2560, 1440, 'operator'],
  ['dept-1366', '/dept', 1366, 768, 'dept'],
  ['dept-390', '/dept', 390, 844, 'dept'],
  ['desk-street-1366', '/desk', 1366, 768, 'street'],
  ['desk-community-1366', '/desk', 1366, 768, 'community'],
  ['m-390', '/m', 390, 844, 'grid'],
  ['m-tasks-390', '/m?tab=tasks', 390, 844, 'grid'],
  ['wall-1920', '/wall?device=demo-wall-device-token&rotate=0', 1920, 1080],
  ['wall-3840', '/wall?device=demo-wall-device-token&rotate=0', 3840, 2160],
  ['wall-street-1920', '/wall?device=demo-street-wall-device-token&rotate=0', 1920, 1080],
];
for (const [name, path, width, height, user] of shots) {
  const phone = width < 500;
  const context = await browser.newContext({
    viewport: { width, height },
    ...(phone ? { isMobile: true, hasTouch: true } : {}),
    // The phone's report form shows its GPS fix: a point in the demo city's centre.
    ...(name.startsWith('m-')
      ? { geolocation: { latitude: 22.9392, longitude: 112.9221, accuracy: 12 } }
      : {}),
    permissions: name.startsWith('m-') ? ['geolocation'] : [],
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${name}: ${e.message}`));
  if (user) await loginAs(page, base, user);
  await page.goto(`${base}${path}`);
  // A screen with a map is shot once the map holds its layers (on a busy machine that can take
  // longer than the settle time alone), then given the settle time to draw them.
  if (
    name !== 'login' &&
    !name.startsWith('video') &&
    !name.startsWith('dept') &&
    !name.startsWith('m-')
  )
    await page
      .waitForSelector('.city-map[data-ready=true]', { state: 'attached', timeout: 60_000 })
      // Shot anyway: a screen whose map never came is worth looking at too.
      .catch(() => console.error(`${name}: the map was not ready after 60 s`));
  await page.waitForTimeout(settle);
  if (name.startsWith('desk-street')) {
    // A matter a community handed up, waiting for the street to take it, if there is one.
    const waiting = page.locator('.queue li:has([data-handover])').first();
    const item = (await waiting.count()) ? waiting : page.locator('.queue li').first();
    if (await item.count()) await item.click();
    await page.waitForTimeout(1000);
  }
  if (name === 'desk-1366' || name.startsWith('desk-community')) {
    const first = page.locator('.queue li').first();
    if (await first.count()) await first.click();
    await page.waitForTimeout(1000);
  }
  if (name === 'desk-2560') {
    // Shaded by open incidents per 1,000 households, to show the choropleth.
    await page.selectOption('.overlay select', 'perHouseholds');
    await page.waitForTimeout(1500);
  }
  if (name === 'dept-1366') {
    // Its queue's first case open, as a department works it.
    const first = page.locator('[data-queue] button[data-id]').first();
    if (await first.count()) await first.click();
    await page.waitForTimeout(1000);
  }
  await page.screenshot({ path: `${out}/${name}.png` });
  console.log(`${out}/${name}.png`);
  await context.close();
}
await browser.close();
