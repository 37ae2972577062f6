// The digital trust box as a pupil sees it, in Kyrgyz, Kazakh and Russian:
// a cheap phone (360×640) with JavaScript off writes an anonymous letter from
// the school page, keeps the receipt code, and comes back with it to read the
// school's answer. Nothing identifying stays in the browser (no cookies, every
// page `Cache-Control: no-store`), a wrong code is refused without losing what
// was typed, the quick-exit link is there, and no page scrolls sideways at
// 360 px. The responsible person of the school answers in between (board).
// Every page visited is checked with axe (JS-off pages through a JS-on replay).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, checkA11y, inJsReplay, screenshot, login, clickAndWait,
} from '../lib/harness.mjs';

const PHONE = { viewport: { width: 360, height: 640 } };
const CODE_RE = /^\d{4}-\d{4}-\d{4}-\d{4}$/;

const CASES = [
  {
    lang: 'ky',
    school: 'demo',
    staff: 'demo-sp',
    letter: 'Саламатсызбы. Биздин класста бир бала мени күн сайын шылдыңдап, сумкамды тартып алат. Мугалимге айтканга уялам. Жардам бериңизчи.',
    answer: 'Салам! Катыңызды окудук. Класс жетекчиси менен сүйлөшүп, бул маселени чечебиз. Сиз жалгыз эмессиз.',
    board: 'Шылдыңдоо тууралуу кат боюнча: класс жетекчиси менен иш жүргүзүлүүдө.',
  },
  {
    lang: 'kk',
    school: 'demo-kz',
    staff: 'demo-kz-sp',
    letter: 'Сәлеметсіз бе. Сыныбымдағы бір бала мені күнде мазақтап, сөмкемді тартып алады. Мұғалімге айтуға ұяламын. Көмектесіңізші.',
    answer: 'Сәлем! Хатыңызды оқыдық. Сынып жетекшісімен сөйлесіп, бұл мәселені шешеміз. Сіз жалғыз емессіз.',
    board: 'Мазақтау туралы хат бойынша: сынып жетекшісімен жұмыс жүргізілуде.',
  },
  {
    lang: 'ru',
    school: 'demo',
    staff: 'demo-sp',
    letter: 'Здравствуйте. Один мальчик из нашего класса каждый день дразнит меня и отбирает мой рюкзак. Мне стыдно сказать учителю. Помогите, пожалуйста.',
    answer: 'Здравствуйте! Мы прочитали ваше письмо. Мы поговорим с классным руководителем и решим этот вопрос. Вы не одни.',
    board: 'По письму о насмешках в классе: вопрос решается с классным руководителем.',
  },
];

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function passwordOf(login) {
  const acc = server.demoAccounts.find((a) => a.login === login);
  assert.ok(acc, `no demo account ${login} printed; stdout:\n${server.stdout()}`);
  return acc.password;
}

/** A fresh pupil's phone: JavaScript off, 360×640. */
function phoneContext() {
  return browser.newContext({ ...PHONE, javaScriptEnabled: false });
}

/** Status, no-store, <html lang> of a public page response. */
async function checkPublicResponse(resp, lang, what) {
  assert.ok(resp, `${what}: no response`);
  assert.ok(resp.status() < 400, `${what}: HTTP ${resp.status()} at ${resp.url()}`);
  const cc = (await resp.allHeaders())['cache-control'] ?? '';
  assert.match(cc, /no-store/, `${what}: Cache-Control is "${cc}", expected no-store (${resp.url()})`);
  const html = await resp.text();
  assert.match(html, new RegExp(`<html[^>]*\\blang="${lang}"`), `${what}: <html lang="${lang}"> missing`);
}

/** The pupil's page as it is now: quick exit, axe and no sideways scroll at 360 px (JS-on replay). */
async function checkPhonePage(page, label) {
  assert.ok((await page.locator('a.quick-exit').count()) > 0, `${label}: no a.quick-exit at ${page.url()}`);
  assert.ok(await page.locator('a.quick-exit').first().isVisible(), `${label}: a.quick-exit not visible`);
  await inJsReplay(browser, page, PHONE, async (p) => {
    const sheets = await p.evaluate(() => [...document.styleSheets].filter((x) => x.cssRules.length > 0).length);
    assert.ok(sheets > 0, `${label}: the replay has no stylesheet, the layout check would mean nothing`);
    await checkA11y(p, label);
    const sw = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `${label}: page is ${sw}px wide at a 360px viewport (horizontal scroll) at ${page.url()}`);
  });
}

/** A regexp matching exactly `s` (trimmed), for `hasText`. */
function exactly(s) {
  return new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`);
}

async function assertNoCookies(context, what) {
  const cookies = await context.cookies();
  assert.deepEqual(cookies.map((c) => `${c.name}@${c.domain}${c.path}`), [], `${what}: the browser kept cookies`);
}

for (const c of CASES) {
  test(`${c.lang}: an anonymous pupil writes to ${c.school}, staff answer on the board, the pupil reads it with the code`, async () => {
    // 1. The pupil writes the letter.
    let code;
    let number;
    {
      const context = await phoneContext();
      try {
        const page = await context.newPage();
        const schoolUrl = `${server.url}/${c.lang}/${c.school}`;
        await checkPublicResponse(await page.goto(schoolUrl), c.lang, 'school page');
        await checkPhonePage(page, `${c.lang} school page`);
        await assertNoCookies(context, 'school page');

        const write = page.locator('a[href$="/write"]').first();
        assert.equal(await page.locator('a[href$="/write"]').count() > 0, true, 'no a[href$="/write"] on the school page');
        await checkPublicResponse(await clickAndWait(page, write), c.lang, 'write page');
        assert.equal(new URL(page.url()).pathname, `/${c.lang}/${c.school}/write`);
        await checkPhonePage(page, `${c.lang} write page`);

        // Anonymous by default, answer on the board by default.
        assert.equal(await page.locator('input[name=anonymous][value="1"]').isChecked(), true, 'anonymous is not the default');
        await page.locator('input[name=author][value=pupil]').check();
        await page.locator('input[name=anonymous][value="1"]').check();
        const firstCategory = await page.locator('select#category option:not([value=""])').first().getAttribute('value');
        await page.locator('select#category').selectOption(firstCategory);
        await page.locator('#text').fill(c.letter);
        await page.locator('input[name=answer_via][value=board]').check();
        await screenshot(page, `box-${c.lang}-write`);

        const resp = await clickAndWait(page, page.locator('form[enctype="multipart/form-data"] button[type=submit]'));
        assert.equal(resp.status(), 201, `submitting the letter answered HTTP ${resp.status()}`);
        await checkPublicResponse(resp, c.lang, 'receipt page');
        code = (await page.locator('#receipt-code').innerText()).trim();
        number = (await page.locator('#receipt-number').innerText()).trim();
        assert.match(code, CODE_RE, `receipt code "${code}"`);
        assert.match(number, /\d/, `journal number "${number}"`);
        await assertNoCookies(context, 'after submitting the letter');
        await checkPhonePage(page, `${c.lang} receipt`);
        await screenshot(page, `box-${c.lang}-receipt`);
      } finally {
        await context.close();
      }
    }

    // 2. A wrong code is refused, the typed code is kept; the right one shows "no answer yet".
    {
      const context = await phoneContext();
      try {
        const page = await context.newPage();
        await checkPublicResponse(await page.goto(`${server.url}/${c.lang}/follow-up`), c.lang, 'follow-up page');
        await checkPhonePage(page, `${c.lang} follow-up`);
        const wrong = code === '1111-2222-3333-4444' ? '4444-3333-2222-1111' : '1111-2222-3333-4444';
        await page.locator('#code').fill(wrong);
        const resp = await clickAndWait(page, page.locator('form:has(#code) button[type=submit]'));
        assert.ok(resp.status() >= 200 && resp.status() < 500, `a wrong code answered HTTP ${resp.status()}`);
        const error = page.locator('.error');
        assert.ok((await error.count()) > 0, `no .error after a wrong code (HTTP ${resp.status()})`);
        assert.notEqual((await error.first().innerText()).trim(), '', '.error is empty');
        assert.equal(await page.locator('#code').inputValue(), wrong, 'the typed code was not kept');
        assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true', '#code is not aria-invalid');
        assert.equal(await page.locator('ol.conversation').count(), 0, 'a wrong code shows a conversation');
        await checkPhonePage(page, `${c.lang} follow-up wrong code`);
        await screenshot(page, `box-${c.lang}-wrong-code`);
        await assertNoCookies(context, 'after a wrong code');
      } finally {
        await context.close();
      }
    }

    // 3. The responsible person answers (board: the author is anonymous).
    {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await login(page, server.url, c.staff, passwordOf(c.staff));
        assert.notEqual(new URL(page.url()).pathname, '/staff/login', `${c.staff} could not log in`);
        await page.goto(`${server.url}/staff/s/${c.school}/appeals`);
        await checkA11y(page, `${c.lang} inbox`);
        const link = page.locator('a[href*="/appeals/"]', { hasText: exactly(number) });
        assert.equal(await link.count(), 1, `no single link "${number}" in the inbox of ${c.school}`);
        await clickAndWait(page, link);
        assert.match(new URL(page.url()).pathname, new RegExp(`^/staff/s/${c.school}/appeals/\\d+$`));
        assert.equal((await page.locator('#appeal-text').innerText()).trim(), c.letter, 'the letter text on the appeal page');
        await checkA11y(page, `${c.lang} appeal`);

        const form = page.locator('#answer-form');
        await form.locator('input[name=kind][value=board]').check();
        await form.locator('#answer-text').fill(c.answer);
        await form.locator('#answer-board-text').fill(c.board);
        await clickAndWait(page, form.locator('button[type=submit]'));
        assert.equal(await page.locator('.summary[role=alert]').count(), 0,
          `answering was refused: ${await page.locator('.summary').allInnerTexts()}`);
        assert.ok((await page.locator('ol.conversation li.staff', { hasText: c.answer }).count()) > 0,
          'the answer is not in the staff view of the conversation');
        await checkA11y(page, `${c.lang} appeal answered`);
      } finally {
        await context.close();
      }
    }

    // 4. The pupil comes back with the code and reads the answer.
    {
      const context = await phoneContext();
      try {
        const page = await context.newPage();
        await checkPublicResponse(await page.goto(`${server.url}/${c.lang}/follow-up`), c.lang, 'follow-up page');
        await page.locator('#code').fill(code);
        const resp = await clickAndWait(page, page.locator('form:has(#code) button[type=submit]'));
        await checkPublicResponse(resp, c.lang, 'follow-up with the code');
        assert.notEqual((await page.locator('#appeal-status').innerText()).trim(), '', '#appeal-status is empty');
        const staff = page.locator('ol.conversation li.staff');
        assert.ok((await staff.count()) > 0, 'no ol.conversation li.staff after the answer');
        assert.ok((await staff.allInnerTexts()).some((t) => t.includes(c.answer)),
          `the staff answer is not shown; li.staff: ${JSON.stringify(await staff.allInnerTexts())}`);
        assert.ok((await page.locator('#text').count()) > 0, 'no reply form (#text) under the conversation');
        await assertNoCookies(context, 'after reading the answer');
        await checkPhonePage(page, `${c.lang} follow-up answer`);
        await screenshot(page, `box-${c.lang}-answer`);
      } finally {
        await context.close();
      }
    }
  });
}
