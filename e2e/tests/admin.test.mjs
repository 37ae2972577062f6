// First start and the staff side as the administrator, in every language:
// setup link → password → login → each staff page in ky, kk, ru, en (status,
// h1, lang attribute, axe, screenshot) → wrong password → logout.
// Runs the real binary ($TRUSTBOX_BIN) on a fresh SQLite data dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, checkA11y, screenshot, login, clickAndWait } from '../lib/harness.mjs';

const PASSPHRASE = 'Жылдыз-тоо 7 kök börü qazaq dala!';
const LANGS = ['ky', 'kk', 'ru', 'en'];

let server;
let browser;
let context;
let page;

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

const pathname = () => new URL(page.url()).pathname;

function slugOf(href) {
  const p = new URL(href, server.url).pathname.replace(/^\/staff\/?/, '').replace(/\/+$/, '');
  return p === '' ? 'home' : p.replace(/[^A-Za-z0-9]+/g, '-');
}

test('first start prints a one-time setup link', () => {
  assert.ok(server.setupLink, `no setup link on first start; stdout was:\n${server.stdout()}`);
  assert.ok(server.setupLink.startsWith(`${server.url}/setup/`), server.setupLink);
});

test('the setup link sets the administrator password and leads to the login page', async () => {
  const resp = await page.goto(server.setupLink);
  assert.ok(resp.status() < 400, `setup page answered HTTP ${resp.status()}`);
  await checkA11y(page, 'setup');
  await screenshot(page, 'admin-setup');
  const form = page.locator('form', { has: page.locator('input[name=password_confirm]') });
  await form.locator('input[name=password]').fill(PASSPHRASE);
  await form.locator('input[name=password_confirm]').fill(PASSPHRASE);
  await clickAndWait(page, form.locator('button[type=submit]'));
  assert.equal(pathname(), '/staff/login', `after setup we are at ${page.url()}`);
});

test('a wrong password shows an error and keeps the typed username', async () => {
  await login(page, server.url, 'admin', `${PASSPHRASE}-wrong`);
  assert.equal(pathname(), '/staff/login', `a wrong password led to ${page.url()}`);
  const error = page.locator('.error');
  assert.ok((await error.count()) > 0, 'no .error element after a wrong password');
  assert.ok(await error.first().isVisible(), '.error is not visible');
  assert.notEqual((await error.first().innerText()).trim(), '', '.error is empty');
  assert.equal(await page.locator('input[name=username]').inputValue(), 'admin', 'the typed username was not kept');
  assert.equal(await page.locator('input[name=password]').inputValue(), '', 'the password should not be echoed back');
  await checkA11y(page, 'login with error');
  await screenshot(page, 'admin-login-error');
});

test('the administrator logs in', async () => {
  await login(page, server.url, 'admin', PASSPHRASE);
  assert.ok(pathname().startsWith('/staff'), `after login we are at ${page.url()}`);
  assert.notEqual(pathname(), '/staff/login', 'login with the right password stayed on the login page');
});

const visited = new Set();

for (const lang of LANGS) {
  test(`staff pages in ${lang}`, async () => {
    const langForm = page.locator('form#language-form');
    assert.equal(await langForm.count(), 1, `no form#language-form on ${page.url()}`);
    await langForm.locator('select[name=lang]').selectOption(lang);
    await clickAndWait(page, langForm.locator('button[type=submit], input[type=submit]').first());
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `<html lang> after switching to ${lang}`);

    const hrefs = await page.locator('nav a[href^="/staff"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const unique = [...new Set(hrefs)];
    assert.ok(unique.length > 0, `no links in nav a[href^="/staff"] on ${page.url()}`);

    const problems = [];
    for (const href of unique) {
      const slug = slugOf(href);
      visited.add(href);
      const resp = await page.goto(`${server.url}${href}`);
      const status = resp?.status() ?? 0;
      if (status >= 400) { problems.push(`${href}: HTTP ${status}`); continue; }
      if ((await page.locator('h1').count()) === 0) problems.push(`${href}: no <h1>`);
      const htmlLang = await page.evaluate(() => document.documentElement.lang);
      if (htmlLang !== lang) problems.push(`${href}: <html lang="${htmlLang}">, expected "${lang}"`);
      try {
        await checkA11y(page, `${lang} ${href}`);
      } catch (e) {
        problems.push(e.message);
      }
      await screenshot(page, `admin-${lang}-${slug}`);
    }
    assert.deepEqual(problems, [], `problems on the staff pages in ${lang}:\n${problems.join('\n')}`);
  });
}

test('logging out makes the staff pages redirect to the login page', async () => {
  await page.goto(`${server.url}/staff`);
  const button = page.locator('form#logout-form button');
  assert.ok((await button.count()) > 0, `no form#logout-form button on ${page.url()}`);
  await clickAndWait(page, button.first());
  const pages = new Set(['/staff', ...visited]);
  for (const href of pages) {
    await page.goto(`${server.url}${href}`);
    assert.equal(pathname(), '/staff/login', `${href} after logout shows ${page.url()} instead of the login page`);
  }
});
