// The same binary on PostgreSQL: first start on a fresh database, setup link,
// login, staff home. (admin.test.mjs covers the pages in depth on SQLite.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, clickAndWait, screenshot } from '../lib/harness.mjs';

const PASSPHRASE = 'Алатоо-2026 көк асман, дала кең!';

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ postgres: true });
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('first start on PostgreSQL: setup link, password, login, staff home', async () => {
  assert.ok(server.databaseUrl.startsWith('postgres'), server.databaseUrl);
  assert.ok(server.setupLink, `no setup link on first start on PostgreSQL; stdout was:\n${server.stdout()}`);
  await page.goto(server.setupLink);
  const form = page.locator('form', { has: page.locator('input[name=password_confirm]') });
  await form.locator('input[name=password]').fill(PASSPHRASE);
  await form.locator('input[name=password_confirm]').fill(PASSPHRASE);
  await clickAndWait(page, form.locator('button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/staff/login');
  await login(page, server.url, 'admin', PASSPHRASE);
  const resp = await page.goto(`${server.url}/staff`);
  assert.equal(resp.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/staff');
  assert.ok((await page.locator('h1').count()) > 0, 'no <h1> on /staff');
  await screenshot(page, 'postgres-staff-home');
});
