// The paper box in the browser, on the demo installation:
// Kyrgyz school: the director appoints the commission (order, three members, one of them the
// parents' representative), the social pedagogue adds the box, the commission opens it (two
// members present, seal intact), registers two paper letters — one anonymous with a photo,
// one signed with a return address — seals the box with a new seal, the members present
// confirm the act, and the act is downloaded as PDF, read with pdftotext and rendered with
// pdftoppm to screenshots/paperbox-act-ky.png. Kazakh school: the same with one letter, to
// screenshots/paperbox-act-kk.png. The pages are screenshotted in ky, kk and ru; axe runs on
// every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  E2E_DIR, SCREENSHOT_DIR, startServer, launchBrowser, checkA11y, screenshot, login, clickAndWait,
} from '../lib/harness.mjs';

const PHOTO = path.resolve(E2E_DIR, '..', 'crates', 'web', 'tests', 'fixtures', 'photo.jpg');

let server;
let browser;
let tmp;

before(async () => {
  assert.ok(fs.existsSync(PHOTO), `missing fixture ${PHOTO}`);
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'trustbox-e2e-paperbox-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
});

function passwordOf(loginName) {
  const acc = server.demoAccounts.find((a) => a.login === loginName);
  assert.ok(acc, `no demo account ${loginName} printed; stdout:\n${server.stdout()}`);
  return acc.password;
}

async function as(loginName) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, server.url, loginName, passwordOf(loginName));
  assert.notEqual(new URL(page.url()).pathname, '/staff/login', `login of ${loginName} failed`);
  return { context, page };
}

async function setLang(page, lang) {
  const form = page.locator('form#language-form');
  await form.locator('select[name=lang]').selectOption(lang);
  await clickAndWait(page, form.locator('button[type=submit]'));
}

/** The school-local "now" as the datetime-local value the form is prefilled with. */
async function openedAtOf(page) {
  return page.locator('#opened_at').inputValue();
}

async function noErrors(page, what) {
  const errors = await page.locator('.error').allInnerTexts();
  assert.deepEqual(errors, [], `${what}: ${errors.join(' | ')}`);
}

/** Appoints a commission of `members` ([name, position, kind, account option text or '']). */
async function appoint(page, school, order, members) {
  await page.goto(`${server.url}/staff/s/${school}/commission`);
  await checkA11y(page, `commission ${school}`);
  const form = page.locator('#appoint-form');
  await form.locator('#order_number').fill(order);
  await form.locator('#order_date').fill(new Date().toISOString().slice(0, 10));
  for (const [i, [name, position, kind, account]] of members.entries()) {
    await form.locator(`input[name=m${i}_name]`).fill(name);
    await form.locator(`input[name=m${i}_position]`).fill(position);
    await form.locator(`select[name=m${i}_kind]`).selectOption(kind);
    if (account) {
      const value = await form.locator(`select[name=m${i}_user] option`, { hasText: account }).getAttribute('value');
      await form.locator(`select[name=m${i}_user]`).selectOption(value);
    }
  }
  await clickAndWait(page, form.locator('button[type=submit]'));
  await noErrors(page, 'appointing the commission');
  assert.ok(await page.locator('#saved').isVisible(), 'no confirmation after the order');
}

async function addBox(page, school, location, seal) {
  await page.goto(`${server.url}/staff/s/${school}/boxes`);
  const form = page.locator('#box-form');
  await form.locator('#location').fill(location);
  await form.locator('#seal').fill(seal);
  await form.locator('#schedule_kind').selectOption('weekly');
  await form.locator('#weekday').selectOption('2');
  await form.locator('#at_time').fill('12:00');
  await clickAndWait(page, form.locator('button[type=submit]'));
  await noErrors(page, 'adding the box');
  assert.ok((await page.locator('#boxes').innerText()).includes(location));
  assert.notEqual((await page.locator('td.next-opening').first().innerText()).trim(), '', 'no next opening shown');
  await checkA11y(page, `boxes ${school}`);
}

/** Starts an opening with the members whose labels contain `present`; returns its URL. */
async function startOpening(page, school, present) {
  await page.goto(`${server.url}/staff/s/${school}/openings`);
  await checkA11y(page, `openings ${school}`);
  const form = page.locator('#opening-form');
  // one member only: refused, the form comes back as typed
  await form.locator('label.check', { hasText: present[0] }).locator('input').check();
  await form.locator('input[name=seal_state][value=intact]').check();
  const when = await openedAtOf(page);
  await clickAndWait(page, form.locator('button[type=submit]'));
  assert.ok(await page.locator('#present-error').isVisible(), 'one member present was not refused');
  assert.ok(await page.locator('label.check', { hasText: present[0] }).locator('input').isChecked(), 'the checked member was lost');
  assert.equal(await page.locator('#opened_at').inputValue(), when, 'the typed time was lost');
  for (const p of present.slice(1)) {
    await page.locator('#opening-form label.check', { hasText: p }).locator('input').check();
  }
  await clickAndWait(page, page.locator('#opening-form button[type=submit]'));
  assert.match(new URL(page.url()).pathname, /\/openings\/\d+$/, `not on the opening page: ${page.url()}`);
  return page.url();
}

async function registerLetter(page, { anonymous, name, address, writtenOn, category, text, note, photo }) {
  const form = page.locator('#letter-form');
  await form.locator(`input[name=anonymous][value="${anonymous ? 1 : 0}"]`).check();
  if (name) await form.locator('#name').fill(name);
  if (address) await form.locator('#address').fill(address);
  await form.locator('#written_on').fill(writtenOn);
  await form.locator('#category').selectOption(category);
  await form.locator('#text').fill(text);
  if (note) await form.locator('#note').fill(note);
  if (photo) await form.locator('#photo').setInputFiles(photo);
  await clickAndWait(page, form.locator('button[type=submit]'));
  await noErrors(page, 'registering a letter');
  return (await page.locator('#saved').innerText()).match(/\d{4}\/\d+/)[0];
}

async function closeOpening(page, oldSeal, newSeal) {
  // the old seal again: refused with the typed value kept
  await page.locator('#seal_after').fill(oldSeal);
  await clickAndWait(page, page.locator('#close-form button[type=submit]'));
  assert.ok(await page.locator('#seal_after-error').isVisible(), 'the same seal was not refused');
  assert.equal(await page.locator('#seal_after').inputValue(), oldSeal);
  await page.locator('#seal_after').fill(newSeal);
  await clickAndWait(page, page.locator('#close-form button[type=submit]'));
  await noErrors(page, 'closing');
  assert.equal((await page.locator('#seal-after').innerText()).trim(), newSeal);
}

async function confirmAct(page) {
  await clickAndWait(page, page.locator('#confirm-form button[type=submit]'));
  await noErrors(page, 'confirming');
}

/** Downloads the act, returns its text and renders page 1 to screenshots/<name>.png. */
async function downloadAct(page, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#act-pdf').click()]);
  const pdf = path.join(tmp, `${name}.pdf`);
  await download.saveAs(pdf);
  assert.equal((await fsp.readFile(pdf)).subarray(0, 5).toString('latin1'), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  await fsp.mkdir(SCREENSHOT_DIR, { recursive: true });
  const prefix = path.join(SCREENSHOT_DIR, name);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, prefix]);
  assert.ok(fs.existsSync(`${prefix}.png`), `pdftoppm wrote no ${name}.png`);
  return text;
}

test('Kyrgyz school: the commission opens the box, registers two letters and prints the act', async () => {
  const dir = await as('demo-director');
  await appoint(dir.page, 'demo', '17-к', [
    ['Айгүл Асанова', 'Социалдык педагог', 'social_pedagogue', 'demo-sp'],
    ['Нурлан Токтогулов', 'Педагог-психолог', 'psychologist', 'demo-commission'],
    ['Гүлнара Иманалиева', 'Ата-энелер комитетинин төрагасы', 'parent_rep', ''],
  ]);
  await screenshot(dir.page, 'paperbox-commission-ky');
  await dir.context.close();

  const sp = await as('demo-sp');
  await addBox(sp.page, 'demo', 'Биринчи кабаттагы кире бериштин жанындагы фойе', '0107');
  await screenshot(sp.page, 'paperbox-boxes-ky');
  const opening = await startOpening(sp.page, 'demo', ['Айгүл Асанова', 'Нурлан Токтогулов']);
  await checkA11y(sp.page, 'opening ky');
  const today = new Date().toISOString().slice(0, 10);
  const n1 = await registerLetter(sp.page, {
    anonymous: true,
    writtenOn: today,
    category: 'bullying',
    text: 'Ашканада улуу класстар кезекте кичүүлөрдү түртөт.',
    photo: PHOTO,
  });
  // the same letter again is refused, nothing typed lost
  const form = sp.page.locator('#letter-form');
  await form.locator('#written_on').fill(today);
  await form.locator('#category').selectOption('bullying');
  await form.locator('#text').fill('Ашканада улуу класстар кезекте кичүүлөрдү түртөт.');
  await clickAndWait(sp.page, form.locator('button[type=submit]'));
  assert.ok(await sp.page.locator('#text-error').isVisible(), 'a letter registered twice was not refused');
  assert.equal(await sp.page.locator('#text').inputValue(), 'Ашканада улуу класстар кезекте кичүүлөрдү түртөт.');
  const n2 = await registerLetter(sp.page, {
    anonymous: false,
    name: 'Асанова Гүлнара, 7-Б класстын окуучусунун апасы',
    address: 'Кемин ш., Ленин к. 5',
    writtenOn: today,
    category: 'corruption',
    text: 'Класс жетекчиси ата-энелерден акча чогултат.',
    note: 'Жооп жеке берилет',
  });
  const rows = await sp.page.locator('#letters tbody tr').allInnerTexts();
  assert.equal(rows.length, 2, `two letters in the act: ${rows}`);
  assert.ok(rows[0].includes(n1) && rows[1].includes(n2));
  assert.ok(rows.some((r) => r.includes('Асанова Гүлнара')));
  await screenshot(sp.page, 'paperbox-opening-ky');
  await closeOpening(sp.page, '0107', '0108');
  await confirmAct(sp.page);
  await screenshot(sp.page, 'paperbox-opening-closed-ky');

  const member = await as('demo-commission');
  await member.page.goto(opening);
  await confirmAct(member.page);
  const confirmed = await member.page.locator('#present-list li span.ok').count();
  assert.equal(confirmed, 2, 'both members present confirmed');
  const text = await downloadAct(member.page, 'paperbox-act-ky');
  for (const s of ['0107', '0108', n1, n2, 'Асанова Гүлнара', 'Кемин ш., Ленин', 'Айгүл Асанова', 'Нурлан Токтогулов', 'анонимдүү']) {
    assert.ok(text.includes(s), `the act has no ${s}:\n${text}`);
  }
  await member.context.close();

  // The pages in Russian and Kazakh too.
  for (const lang of ['ru', 'kk']) {
    await setLang(sp.page, lang);
    for (const [p, name] of [[opening, 'opening'], [`${server.url}/staff/s/demo/openings`, 'openings'], [`${server.url}/staff/s/demo/commission`, 'commission'], [`${server.url}/staff/s/demo/meetings`, 'meetings'], [`${server.url}/staff/s/demo/boxes`, 'boxes']]) {
      await sp.page.goto(p);
      assert.equal(await sp.page.locator('html').getAttribute('lang'), lang);
      await checkA11y(sp.page, `${name} ${lang}`);
      await screenshot(sp.page, `paperbox-${name}-${lang}`);
    }
  }
  await setLang(sp.page, 'ky');
  for (const [p, name] of [[`${server.url}/staff/s/demo/openings`, 'openings'], [`${server.url}/staff/s/demo/meetings`, 'meetings']]) {
    await sp.page.goto(p);
    await checkA11y(sp.page, `${name} ky`);
    await screenshot(sp.page, `paperbox-${name}-ky`);
  }
  await sp.context.close();
});

test('Kazakh school: an act with a letter in Kazakh', async () => {
  const sp = await as('demo-kz-sp');
  await appoint(sp.page, 'demo-kz', '41-ө', [
    ['Әлия Нұрланқызы', 'Әлеуметтік педагог', 'social_pedagogue', 'demo-kz-sp'],
    ['Р.Нурмышова', 'Педагог-психолог', 'psychologist', ''],
    ['А.Курманбаева', 'Ата-аналар өкілі', 'parent_rep', ''],
  ]);
  await screenshot(sp.page, 'paperbox-commission-kk');
  await addBox(sp.page, 'demo-kz', 'бірінші қабаттағы фойе', 'КК-041');
  await startOpening(sp.page, 'demo-kz', ['Әлия Нұрланқызы', 'Р.Нурмышова']);
  const n = await registerLetter(sp.page, {
    anonymous: true,
    writtenOn: new Date().toISOString().slice(0, 10),
    category: 'other',
    text: 'Оқушының жатақханадағы тәртібі туралы',
    note: 'комиссия отырысында қаралады',
    photo: PHOTO,
  });
  await closeOpening(sp.page, 'КК-041', 'КК-042');
  await confirmAct(sp.page);
  await screenshot(sp.page, 'paperbox-opening-kk');
  const text = await downloadAct(sp.page, 'paperbox-act-kk');
  for (const s of ['«Сенім жәшігін» ашу кезінде түзілген', 'КК-041', 'КК-042', n, 'анонимді', 'Әлия Нұрланқызы', 'Р.Нурмышова']) {
    assert.ok(text.includes(s), `the Kazakh act has no ${s}:\n${text}`);
  }
  await sp.context.close();
});
