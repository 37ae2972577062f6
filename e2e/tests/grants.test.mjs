// The administrator never reads a letter: on the demo installation the administrator gives
// themselves the responsible role at the demo school, which waits; the letters stay closed to
// them; the school's director sees it on the start page and on "Roles to confirm" (in ky, kk,
// ru: axe and screenshots) and confirms it; then the administrator reads the school's journal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, checkA11y, screenshot, login, clickAndWait } from '../lib/harness.mjs';

const PASSPHRASE = 'Жылдыз-тоо 7 kök börü qazaq dala!';

let server;
let browser;
let admin;
let director;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  admin = await (await browser.newContext()).newPage();
  director = await (await browser.newContext()).newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function setLang(page, lang) {
  const form = page.locator('form#language-form');
  await form.locator('select[name=lang]').selectOption(lang);
  await clickAndWait(page, form.locator('button[type=submit]'));
}

test('the administrator sets a password and logs in', async () => {
  assert.ok(server.setupLink, server.stdout());
  await admin.goto(server.setupLink);
  const form = admin.locator('form', { has: admin.locator('input[name=password_confirm]') });
  await form.locator('input[name=password]').fill(PASSPHRASE);
  await form.locator('input[name=password_confirm]').fill(PASSPHRASE);
  await clickAndWait(admin, form.locator('button[type=submit]'));
  await login(admin, server.url, 'admin', PASSPHRASE);
  assert.equal(new URL(admin.url()).pathname, '/staff');
});

test('a role the administrator gives themselves waits and reads nothing', async () => {
  await admin.goto(`${server.url}/staff/admin/users`);
  await clickAndWait(admin, admin.locator('a', { hasText: /^admin$/ }));
  const form = admin.locator('form', { has: admin.locator('select[name=role]') });
  await form.locator('select[name=role]').selectOption('responsible');
  const demo = await form.locator('select[name=unit] option').evaluateAll(
    (os) => os.find((o) => /№ 9|No 9/.test(o.textContent))?.value,
  );
  assert.ok(demo, 'the demo school is in the unit list');
  await form.locator('select[name=unit]').selectOption(demo);
  await clickAndWait(admin, form.locator('button[type=submit]'));
  const body = await admin.locator('main').innerText();
  assert.match(body, /waiting for confirmation|ждёт подтверждения|ырастоону күтүүдө|растауды күтуде/);
  const resp = await admin.goto(`${server.url}/staff/s/demo/journal`);
  assert.equal(resp.status(), 404, 'the journal stays closed');
  await admin.goto(`${server.url}/staff/grants`);
  assert.equal(await admin.locator('#pending-grants button[value=confirm]').count(), 0, 'no confirm button for their own grant');
  await checkA11y(admin, 'grants as the admin');
  await screenshot(admin, 'grants-admin');
});

test('the director sees it in ky, kk and ru and confirms it', async () => {
  const account = server.demoAccounts.find((a) => a.login === 'demo-director');
  assert.ok(account, server.stdout());
  await login(director, server.url, account.login, account.password);
  assert.equal(await director.locator('#grants-waiting').count(), 1, 'the start page says a role waits');
  for (const lang of ['ky', 'kk', 'ru']) {
    await setLang(director, lang);
    await director.goto(`${server.url}/staff`);
    await checkA11y(director, `dashboard ${lang}`);
    await screenshot(director, `grants-dashboard-${lang}`);
    await director.goto(`${server.url}/staff/grants`);
    assert.equal(await director.evaluate(() => document.documentElement.lang), lang);
    assert.equal(await director.locator('#pending-grants tbody tr').count(), 1);
    await checkA11y(director, `grants ${lang}`);
    await screenshot(director, `grants-director-${lang}`);
  }
  await clickAndWait(director, director.locator('#pending-grants button[value=confirm]'));
  assert.equal(await director.locator('#grants-none').count(), 1, 'nothing waits any more');
  const resp = await admin.goto(`${server.url}/staff/s/demo/journal`);
  assert.equal(resp.status(), 200, 'confirmed: the journal opens');
});
