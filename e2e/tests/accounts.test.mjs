// Two-factor and sessions in the browser, in Kyrgyz, Kazakh and Russian: the login page,
// enrolment (QR code and key), the recovery codes, the second login step, the account page
// and the administrator's list of sessions (status, axe, screenshot). The TOTP codes are
// computed here from the key shown on the page, as an authenticator app would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, launchBrowser, checkA11y, screenshot, login, clickAndWait } from '../lib/harness.mjs';

const PASSPHRASE = 'Жылдыз-тоо 7 kök börü qazaq dala!';
const LANGS = ['ky', 'kk', 'ru'];

let server;
let browser;
let context;
let page;

function base32Decode(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/[\s=]/g, '').toUpperCase()) bits += A.indexOf(c).toString(2).padStart(5, '0');
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

function totp(secret, t = Date.now() / 1000) {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(buf).digest();
  const o = h[19] & 15;
  const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1e6).padStart(6, '0');
}

async function setLang(lang) {
  await page.selectOption('#lang-select', lang);
  await clickAndWait(page, '#language-form button[type=submit]');
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

let secret;
let recovery;

test('login page in every language', async () => {
  const resp = await page.goto(server.setupLink);
  assert.ok(resp.status() < 400);
  const form = page.locator('form', { has: page.locator('input[name=password_confirm]') });
  await form.locator('input[name=password]').fill('password1234');
  await form.locator('input[name=password_confirm]').fill('password1234');
  await clickAndWait(page, form.locator('button[type=submit]'));
  assert.ok((await page.locator('#password-error').innerText()).length > 40, 'a weak password is refused with a hint');
  await screenshot(page, 'accounts-setup-weak');
  await form.locator('input[name=password]').fill(PASSPHRASE);
  await form.locator('input[name=password_confirm]').fill(PASSPHRASE);
  await clickAndWait(page, form.locator('button[type=submit]'));
  for (const lang of LANGS) {
    const r = await page.goto(`${server.url}/staff/login?lang=${lang}`);
    assert.equal(r.status(), 200);
    await checkA11y(page, `login ${lang}`);
    await screenshot(page, `accounts-login-${lang}`);
  }
});

test('enrolment shows a QR code and the key; the first code turns it on', async () => {
  await login(page, server.url, 'admin', PASSPHRASE);
  for (const lang of LANGS) {
    await page.goto(`${server.url}/staff/account`);
    await setLang(lang);
    await page.goto(`${server.url}/staff/account/2fa`);
    assert.equal(await page.locator('.qr svg').count(), 1);
    await checkA11y(page, `2fa enrol ${lang}`);
    await screenshot(page, `accounts-2fa-enrol-${lang}`);
  }
  secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.locator('input[name=code]').fill(totp(secret));
  await clickAndWait(page, 'form[action="/staff/account/2fa"] button[type=submit]');
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  recovery = (await page.locator('#recovery-codes li').allInnerTexts()).map((t) => t.trim());
  await screenshot(page, 'accounts-2fa-recovery-ru');
});

test('the second login step and the sessions list', async () => {
  await clickAndWait(page, '#logout-form button[type=submit]');
  await login(page, server.url, 'admin', PASSPHRASE);
  assert.equal(new URL(page.url()).pathname, '/staff/login/code');
  for (const lang of LANGS) {
    await page.goto(`${server.url}/staff/login/code?lang=${lang}`);
    await checkA11y(page, `code ${lang}`);
    await screenshot(page, `accounts-2fa-code-${lang}`);
  }
  await page.locator('input[name=code]').fill(totp(secret, Date.now() / 1000 + 30));
  await clickAndWait(page, 'form[action="/staff/login/code"] button[type=submit]');
  assert.equal(new URL(page.url()).pathname, '/staff');
  // A second browser, with a recovery code (the app's code of this step is spent), so the
  // list has two sessions.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await login(p2, server.url, 'admin', PASSPHRASE);
  await p2.locator('input[name=code]').fill(recovery[0]);
  await clickAndWait(p2, 'form[action="/staff/login/code"] button[type=submit]');
  for (const lang of LANGS) {
    await page.goto(`${server.url}/staff/account`);
    await setLang(lang);
    await checkA11y(page, `account ${lang}`);
    await screenshot(page, `accounts-account-${lang}`);
    await page.goto(`${server.url}/staff/admin/users/1`);
    assert.equal(await page.locator('#sessions tbody tr').count(), 2);
    await checkA11y(page, `sessions ${lang}`);
    await screenshot(page, `accounts-sessions-${lang}`);
    await page.goto(`${server.url}/staff/admin/security`);
    await checkA11y(page, `security ${lang}`);
    await screenshot(page, `accounts-security-${lang}`);
  }
  await other.close();
});
