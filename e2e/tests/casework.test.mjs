// Case work from "new" to "closed" through a forwarding, as the responsible
// person (demo-sp, staff language Kyrgyz) of the demo school: a letter comes in
// through the web box (JavaScript off), is assigned to the director, forwarded
// to an executing body with a deadline, the body's outcome and the measures are
// recorded, the letter is answered on the board and closed; `#appeal-status`
// is checked after every step against the Kyrgyz `status-*` messages. Then the
// registration journal is downloaded as PDF and read with pdftotext: it has the
// letter's journal number and the Kyrgyz title; its first page is rendered to
// screenshots/journal-ky.png. axe runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  E2E_DIR, SCREENSHOT_DIR, startServer, launchBrowser, checkA11y, inJsReplay, screenshot, login, clickAndWait,
} from '../lib/harness.mjs';

const LOCALES = path.resolve(E2E_DIR, '..', 'locales');

/** `key = value` messages of a Fluent file (single-line values only). */
function ftl(file) {
  const out = {};
  for (const line of fs.readFileSync(path.join(LOCALES, file), 'utf8').split('\n')) {
    const m = /^([a-z][a-z0-9-]*)\s*=\s*(.+)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

const KY = ftl('ky/main.ftl');
const KY_DOCS = ftl('ky/docs.ftl');
const STATUS = {
  new: KY['status-new'],
  in_work: KY['status-in-work'],
  forwarded: KY['status-forwarded'],
  answered: KY['status-answered'],
  closed: KY['status-closed'],
};
const JOURNAL_TITLE = KY_DOCS['doc-journal-title'];

const SCHOOL = 'demo';
const LETTER = 'Саламатсызбы. Ашканада тамак муздак берилет, кээ бир балдарга жетпей калат. Ушул маселени карап бериңизчи.';
const OUTCOME = 'Ашкана башчысы менен сүйлөшүлдү: тамак ысык берилип, порциялар көбөйтүлдү.';
const MEASURES = 'Ашкананын иши жумасына бир жолу текшерилет; ата-энелер комитети катышат.';
const ANSWER = 'Катыңыз үчүн рахмат! Ашкана боюнча текшерүү жүргүзүлдү, тамак эми ысык берилет.';
const BOARD = 'Ашкана тууралуу кат боюнча: тамак ысык берилет, порциялар көбөйтүлдү.';

let server;
let browser;
let context;
let page;
let tmp;
const letter = {};

before(async () => {
  for (const [k, v] of Object.entries(STATUS)) assert.ok(v, `locales/ky/main.ftl has no status message for ${k}`);
  assert.ok(JOURNAL_TITLE, 'locales/ky/docs.ftl has no doc-journal-title');
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'trustbox-e2e-casework-'));
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
});

function passwordOf(loginName) {
  const acc = server.demoAccounts.find((a) => a.login === loginName);
  assert.ok(acc, `no demo account ${loginName} printed; stdout:\n${server.stdout()}`);
  return acc.password;
}

/** Date `days` from today as YYYY-MM-DD (UTC; the school's own date is the same or one later). */
function isoDaysAhead(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The table of forwardings (its header has the outcome column); the history table is another. */
function forwardsTable() {
  return page.locator('table', { has: page.locator('th', { hasText: KY['forward-outcome'] }) });
}

async function expectStatus(code, step) {
  const shown = (await page.locator('#appeal-status').innerText()).trim();
  assert.equal(shown, STATUS[code], `after ${step}: #appeal-status is "${shown}", expected "${STATUS[code]}" (${code})`);
}

/** No refusal summary on the appeal page after a step. */
async function expectAccepted(step) {
  const alerts = await page.locator('.error').allInnerTexts();
  assert.deepEqual(alerts, [], `${step} was refused at ${page.url()}`);
}

async function submit(formSelector, step) {
  const form = page.locator(formSelector);
  assert.equal(await form.count(), 1, `no single ${formSelector} on ${page.url()} (before: ${step})`);
  const resp = await clickAndWait(page, form.locator('button[type=submit]'));
  assert.ok(resp.status() < 400, `${step}: HTTP ${resp.status()}`);
  await expectAccepted(step);
  await checkA11y(page, `appeal after ${step}`);
}

test('a pupil sends a letter (JavaScript off)', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 640 } });
  try {
    const p = await ctx.newPage();
    const resp = await p.goto(`${server.url}/ky/${SCHOOL}/write`);
    assert.equal(resp.status(), 200);
    await p.locator('input[name=author][value=pupil]').check();
    const cat = await p.locator('select#category option:not([value=""])').first().getAttribute('value');
    await p.locator('select#category').selectOption(cat);
    await p.locator('#text').fill(LETTER);
    const sent = await clickAndWait(p, p.locator('form[enctype="multipart/form-data"] button[type=submit]'));
    assert.equal(sent.status(), 201, `submitting answered HTTP ${sent.status()}`);
    letter.code = (await p.locator('#receipt-code').innerText()).trim();
    letter.number = (await p.locator('#receipt-number').innerText()).trim();
    assert.match(letter.code, /^\d{4}-\d{4}-\d{4}-\d{4}$/);
    assert.match(letter.number, /^\d{4}\/\d+$/, `journal number "${letter.number}"`);
    await inJsReplay(browser, p, { viewport: { width: 360, height: 640 } }, (r) => checkA11y(r, 'receipt'));
  } finally {
    await ctx.close();
  }
});

test('demo-sp opens the letter from the inbox: status new', async () => {
  assert.ok(letter.number, 'no letter was sent');
  context = await browser.newContext();
  page = await context.newPage();
  await login(page, server.url, 'demo-sp', passwordOf('demo-sp'));
  assert.notEqual(new URL(page.url()).pathname, '/staff/login', 'demo-sp could not log in');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ky', 'the staff language of demo-sp is not ky');
  await page.goto(`${server.url}/staff/s/${SCHOOL}/appeals`);
  await checkA11y(page, 'inbox');
  const link = page.locator('a[href*="/appeals/"]').filter({ hasText: new RegExp(`^\\s*${letter.number.replace('/', '\\/')}\\s*$`) });
  assert.equal(await link.count(), 1, `no single inbox link with the text ${letter.number}`);
  await clickAndWait(page, link);
  letter.url = page.url();
  assert.match(new URL(letter.url).pathname, new RegExp(`^/staff/s/${SCHOOL}/appeals/\\d+$`));
  assert.equal((await page.locator('#appeal-text').innerText()).trim(), LETTER);
  await expectStatus('new', 'opening');
  await checkA11y(page, 'appeal new');
  await screenshot(page, 'casework-ky-new');
});

test('assigned to the director: in work', async () => {
  const select = page.locator('#assign-form #assign-user');
  assert.equal(await select.count(), 1, 'no #assign-form #assign-user for the responsible person');
  // The options show "name (login, roles)"; the demo director's login is demo-director.
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
  const director = options.find((o) => o.label.includes('(demo-director,'));
  assert.ok(director, `the assign select has no director option: ${JSON.stringify(options)}`);
  await select.selectOption(director.value);
  await submit('#assign-form', 'assigning');
  await expectStatus('in_work', 'assigning');
  const name = director.label.split(' (')[0];
  assert.ok((await page.locator('dl.card').innerText()).includes(name), `the director ${name} is not listed as assigned`);
});

test('forwarded to the 4th executing body with a deadline 3 days ahead', async () => {
  const bodies = await page.locator('#forward-body option:not([value=""])').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
  assert.ok(bodies.length >= 4, `#forward-body has only ${bodies.length} bodies: ${JSON.stringify(bodies)}`);
  letter.body = bodies[3];
  await page.locator('#forward-body').selectOption(letter.body.value);
  await page.locator('#forward-deadline').fill(isoDaysAhead(3));
  await submit('#forward-form', 'forwarding');
  await expectStatus('forwarded', 'forwarding');
  const row = forwardsTable().locator('tbody tr', { hasText: letter.body.label });
  assert.equal(await row.count(), 1, `no forwarding row for ${letter.body.label}`);
});

test('the body\'s outcome is recorded: back in work', async () => {
  const form = page.locator('form', { has: page.locator('input[name=forward]') });
  assert.equal(await form.count(), 1, 'no outcome form (input[name=forward]) for the open forwarding');
  await form.locator('#outcome-text').fill(OUTCOME);
  const resp = await clickAndWait(page, form.locator('button[type=submit]'));
  assert.ok(resp.status() < 400);
  await expectAccepted('recording the outcome');
  await checkA11y(page, 'appeal after the outcome');
  await expectStatus('in_work', 'recording the outcome');
  assert.equal(await page.locator('form:has(input[name=forward])').count(), 0, 'the outcome form is still offered');
  assert.ok((await forwardsTable().locator('tbody tr', { hasText: letter.body.label }).innerText()).includes(OUTCOME), 'the outcome is not in the forwarding row');
});

test('measures are recorded: still in work', async () => {
  await page.locator('#measures-text').fill(MEASURES);
  await submit('#measures-form', 'recording measures');
  await expectStatus('in_work', 'recording measures');
  assert.ok((await page.locator('dl.card').innerText()).includes(MEASURES), 'the measures are not shown');
});

test('answered on the board: answered', async () => {
  await page.locator('#answer-form input[name=kind][value=board]').check();
  await page.locator('#answer-text').fill(ANSWER);
  await page.locator('#answer-board-text').fill(BOARD);
  await submit('#answer-form', 'answering');
  await expectStatus('answered', 'answering');
  assert.ok((await page.locator('ol.conversation li.staff', { hasText: ANSWER }).count()) > 0, 'the answer is not in the conversation');
});

test('closed', async () => {
  const values = await page.locator('#status-next option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(values.includes('closed'), `#status-next does not offer closed: ${values}`);
  await page.locator('#status-next').selectOption('closed');
  await submit('#status-form', 'closing');
  await expectStatus('closed', 'closing');
  await screenshot(page, 'casework-ky-closed');
});

test('the journal PDF has the letter and the Kyrgyz title', async () => {
  await page.goto(`${server.url}/staff/s/${SCHOOL}/journal`);
  // The wide journal table scrolls in a focusable region: axe finds nothing.
  await checkA11y(page, 'journal');
  await screenshot(page, 'casework-ky-journal');
  assert.ok((await page.locator('table.journal').innerText()).includes(letter.number), `the journal page has no row ${letter.number}`);
  const button = page.locator('button[name=format][value=pdf]');
  assert.equal(await button.count(), 1, 'no PDF button on the journal page');
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const pdf = path.join(tmp, 'journal.pdf');
  await download.saveAs(pdf);
  if (process.env.KEEP_PDF) await fsp.copyFile(pdf, process.env.KEEP_PDF);
  const head = (await fsp.readFile(pdf)).subarray(0, 5).toString('latin1');
  assert.equal(head, '%PDF-', `the download (${download.suggestedFilename()}) is not a PDF`);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.ok(text.includes(letter.number), `the journal PDF has no ${letter.number}:\n${text.slice(0, 2000)}`);
  // The title is set in capitals.
  const upper = (x) => x.replace(/\s+/g, ' ').toLocaleUpperCase('ky');
  assert.ok(upper(text).includes(upper(JOURNAL_TITLE)), `the journal PDF has no title «${JOURNAL_TITLE}»:\n${text.slice(0, 2000)}`);
  await fsp.mkdir(SCREENSHOT_DIR, { recursive: true });
  const prefix = path.join(SCREENSHOT_DIR, 'journal-ky');
  execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', '-singlefile', pdf, prefix]);
  assert.ok(fs.existsSync(`${prefix}.png`), 'pdftoppm wrote no journal-ky.png');
});
