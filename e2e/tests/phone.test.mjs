// The trust phone line in a browser: the demo school's responsible person (demo-sp) sets the
// numbers, hours and answering texts; the settings page is screenshot in Kyrgyz, Kazakh and
// Russian, and the school's public page in the three languages, once with the hours of seed 004
// (whatever the time now) and once with no day answered (so the answering text shows). axe runs
// on every page (JavaScript on only for axe: the pages have none).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, checkA11y, screenshot, login, clickAndWait,
} from '../lib/harness.mjs';

let server;
let browser;
let context;
let page;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

function passwordOf(loginName) {
  const acc = server.demoAccounts.find((a) => a.login === loginName);
  assert.ok(acc, `no demo account ${loginName}`);
  return acc.password;
}

async function staffLanguage(code) {
  await page.locator('#lang-select').selectOption(code);
  await clickAndWait(page, page.locator('#language-form button[type=submit]'));
}

test('the line is set and shown on the public page in ky, kk, ru', async () => {
  await login(page, server.url, 'demo-sp', passwordOf('demo-sp'));
  const resp = await page.goto(`${server.url}/staff/s/demo/phone`);
  assert.equal(resp.status(), 200);
  await page.locator('#numbers').fill('+996 312 62-14-05\n0 800 100 33 33');
  await page.locator('#responsible').fill('Айгүл Садыкова, социалдык педагог');
  const saved = await clickAndWait(page, page.locator('#phone-form button[type=submit]'));
  assert.equal(saved.status(), 200);
  assert.equal(await page.locator('#phone-saved').count(), 1);
  await checkA11y(page, 'phone settings (ky)');
  await screenshot(page, 'phone-settings-ky');
  for (const code of ['kk', 'ru']) {
    await staffLanguage(code);
    assert.ok(page.url().endsWith('/staff/s/demo/phone'), page.url());
    await checkA11y(page, `phone settings (${code})`);
    await screenshot(page, `phone-settings-${code}`);
  }
  for (const code of ['ky', 'kk', 'ru']) {
    const r = await page.goto(`${server.url}/${code}/demo`);
    assert.equal(r.status(), 200);
    assert.equal(await page.locator('#trust-phone').count(), 1);
    const text = await page.locator('#trust-phone').innerText();
    assert.ok(text.includes('+996 312 62-14-05'), text);
    assert.ok(!text.includes('Садыкова'), 'responsible people are not public');
    await checkA11y(page, `public page (${code})`);
    await screenshot(page, `phone-public-${code}`);
  }
  // No day answered: the answering machine's text shows, in the reader's language.
  await page.goto(`${server.url}/staff/s/demo/phone`);
  for (let n = 1; n <= 7; n += 1) await page.locator(`#open_${n}`).uncheck();
  await clickAndWait(page, page.locator('#phone-form button[type=submit]'));
  const expected = {
    ky: 'Саламатсызбы! Сиз ишеним телефонуна чалдыңыз.',
    kk: 'Саламатсыз ба! Сіз сенім телефонына хабарласып отырсыз.',
    ru: 'Здравствуйте! Вы позвонили на телефон доверия.',
  };
  for (const code of ['ky', 'kk', 'ru']) {
    await page.goto(`${server.url}/${code}/demo`);
    const said = await page.locator('#phone-off-hours').innerText();
    assert.ok(said.startsWith(expected[code]), `${code}: ${said}`);
    await checkA11y(page, `public page off hours (${code})`);
    await screenshot(page, `phone-public-off-hours-${code}`);
  }
});
