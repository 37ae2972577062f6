// Staff contact settings in the browser, with the real binary delivering mail to a real SMTP
// server (crates/web/tests/smtp_sink.py, aiosmtpd on loopback): the demo school's responsible
// people have no address, so the administrator's start page and the school's page warn in red;
// the administrator creates a pedagogue with an address (a bad one is refused first, with the
// form kept); the pedagogue sets a password, opens the contact settings and sends themself a
// test, which the server's mail worker hands to the SMTP server. axe on every page; screenshots
// in ky, kk and ru at 360 px and at desktop width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { E2E_DIR, startServer, launchBrowser, checkA11y, screenshot, login, clickAndWait } from '../lib/harness.mjs';

const PASSPHRASE = 'Жылдыз-тоо 7 kök börü qazaq dala!';
const PEDAGOGUE_PASSPHRASE = 'Ала-Тоо 9 мектеп: ишеним кутусу!';
const LANGS = ['ky', 'kk', 'ru'];
const ADDRESS = 'aigul.sadykova@school9.example';
const SINK = path.resolve(E2E_DIR, '..', 'crates', 'web', 'tests', 'smtp_sink.py');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let browser;
let admin;
let ped;
let sink;
let sinkDir;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startSink(port) {
  sinkDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'trustbox-e2e-smtp-'));
  const py = process.env.TRUSTBOX_TEST_PYTHON || 'python3';
  sink = spawn(py, [SINK, String(port), sinkDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise((resolve, reject) => {
    sink.once('error', reject);
    readline.createInterface({ input: sink.stdout }).once('line', resolve);
  });
  assert.equal(first.trim(), 'ready', 'the SMTP sink (python3-aiosmtpd) did not start');
}

/** The mails the SMTP server received for `to`. */
function mailsTo(to) {
  if (!fs.existsSync(sinkDir)) return [];
  return fs.readdirSync(sinkDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(sinkDir, f), 'utf8')))
    .filter((m) => m.rcpt_tos.includes(to));
}

async function setLang(page, lang) {
  await page.selectOption('#lang-select', lang);
  await clickAndWait(page, '#language-form button[type=submit]');
}

/** axe, then a screenshot at 360 px and one at desktop width. */
async function look(page, name) {
  await checkA11y(page, name);
  await page.setViewportSize({ width: 360, height: 800 });
  await screenshot(page, `${name}-360`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, `${name}-desktop`);
}

before(async () => {
  const port = await freePort();
  await startSink(port);
  server = await startServer({
    demo: true,
    args: ['--smtp-url', `smtp://127.0.0.1:${port}`, '--mail-from', 'Trustbox <trustbox@school.example>'],
  });
  browser = await launchBrowser();
  admin = await (await browser.newContext()).newPage();
  ped = await (await browser.newContext()).newPage();
});

after(async () => {
  await admin?.context().close();
  await ped?.context().close();
  await browser?.close();
  await server?.stop();
  sink?.kill();
  if (sinkDir) await fsp.rm(sinkDir, { recursive: true, force: true });
});

test('the administrator is warned about schools nobody can be alerted for', async () => {
  const resp = await admin.goto(server.setupLink);
  assert.ok(resp.status() < 400);
  const form = admin.locator('form', { has: admin.locator('input[name=password_confirm]') });
  await form.locator('input[name=password]').fill(PASSPHRASE);
  await form.locator('input[name=password_confirm]').fill(PASSPHRASE);
  await clickAndWait(admin, form.locator('button[type=submit]'));
  await login(admin, server.url, 'admin', PASSPHRASE);
  for (const lang of LANGS) {
    await admin.goto(`${server.url}/staff`);
    await setLang(admin, lang);
    const warning = admin.locator('#unreachable');
    assert.equal(await warning.count(), 1, 'the start page warns');
    assert.equal(await warning.locator('a[href="/staff/s/demo"]').count(), 1, 'and names the demo school');
    await look(admin, `contact-dashboard-${lang}`);
    await admin.goto(`${server.url}/staff/s/demo`);
    assert.equal(await admin.locator('#unreachable').count(), 1, "the school's page warns too");
    await look(admin, `contact-school-${lang}`);
  }
});

test('the administrator creates a pedagogue with an address; a bad one is refused first', async () => {
  await admin.goto(`${server.url}/staff/admin/users/new`);
  await setLang(admin, 'ky');
  await admin.goto(`${server.url}/staff/admin/users/new`);
  await admin.fill('#username', 'aigul');
  await admin.fill('#display_name', 'Айгүл Садыкова');
  await admin.selectOption('#lang', 'ky');
  await admin.fill('#email', 'aigul.sadykova@school9');
  await admin.selectOption('#role', 'responsible');
  // The demo school ("№ 9 орто мектеби (демо)" in Kyrgyz).
  const school = await admin.locator('#unit option', { hasText: '№ 9' }).getAttribute('value');
  assert.ok(school, 'the demo school is offered');
  await admin.selectOption('#unit', school);
  await clickAndWait(admin, 'form[action="/staff/admin/users/new"] button[type=submit]');
  assert.equal(await admin.locator('#email-error').count(), 1, 'the bad address is named');
  assert.equal(await admin.inputValue('#email'), 'aigul.sadykova@school9', 'what was typed is kept');
  assert.equal(await admin.inputValue('#username'), 'aigul');
  assert.equal(await admin.inputValue('#display_name'), 'Айгүл Садыкова');
  await look(admin, 'contact-user-new-error-ky');
  await admin.fill('#email', ADDRESS);
  await clickAndWait(admin, 'form[action="/staff/admin/users/new"] button[type=submit]');
  assert.equal(await admin.locator('#contact').innerText().then((t) => t.includes(ADDRESS)), true);
  const link = (await admin.locator('#setup-link').innerText()).trim();
  assert.ok(link.includes('/setup/'), link);
  for (const lang of LANGS) {
    await setLang(admin, lang);
    await admin.goto(`${server.url}/staff/admin/users`);
    const row = admin.locator('tr', { has: admin.locator('a', { hasText: 'aigul' }) });
    assert.ok((await row.innerText()).includes('a•••@school9.example'), 'masked in the list');
    await look(admin, `contact-users-${lang}`);
  }

  // The pedagogue sets a password from the link and logs in.
  await ped.goto(link);
  const form = ped.locator('form', { has: ped.locator('input[name=password_confirm]') });
  await form.locator('input[name=password]').fill(PEDAGOGUE_PASSPHRASE);
  await form.locator('input[name=password_confirm]').fill(PEDAGOGUE_PASSPHRASE);
  await clickAndWait(ped, form.locator('button[type=submit]'));
  await login(ped, server.url, 'aigul', PEDAGOGUE_PASSPHRASE);
  assert.equal(new URL(ped.url()).pathname, '/staff');
});

test('the pedagogue sends themself a test that reaches the SMTP server', async () => {
  for (const lang of LANGS) {
    await ped.goto(`${server.url}/staff/account`);
    await setLang(ped, lang);
    assert.ok((await ped.locator('#contact').innerText()).includes(ADDRESS));
    await look(ped, `contact-account-${lang}`);
    await ped.goto(`${server.url}/staff/account/contact`);
    assert.equal(await ped.inputValue('#email'), ADDRESS);
    await look(ped, `contact-own-${lang}`);
  }
  await setLang(ped, 'ky');
  await ped.goto(`${server.url}/staff/account/contact`);
  await clickAndWait(ped, 'form[action="/staff/account/contact/test"] button[type=submit]');
  assert.equal(await ped.locator('.notice[role=status]').count(), 1, 'a success message');
  await look(ped, 'contact-test-sent-ky');
  // A second press within the minute is refused, with a message.
  await clickAndWait(ped, 'form[action="/staff/account/contact/test"] button[type=submit]');
  assert.equal(await ped.locator('.summary[role=alert]').count(), 1, 'told to wait, once');
  await look(ped, 'contact-test-wait-ky');
  // The server's mail worker (a round every 30 s) hands it to the SMTP server.
  let got = [];
  for (let i = 0; i < 90 && got.length === 0; i++) {
    await sleep(1000);
    got = mailsTo(ADDRESS);
  }
  assert.equal(got.length, 1, `exactly one test mail reached ${ADDRESS}`);
  assert.ok(got[0].body.includes('/staff/account/contact'), got[0].body);
});
