// Self-tests of the harness helpers added for box.test.mjs / casework.test.mjs:
// inJsReplay (a JavaScript-off page that came from a POST, replayed in a JS-on
// context without sending the POST again, with the server's stylesheet) and
// checkA11y's knownIssues. A tiny Node HTTP server with a strict CSP; no Trustbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launchBrowser, checkA11y, inJsReplay, clickAndWait } from '../lib/harness.mjs';

const CSP = "default-src 'self'; script-src 'none'";
const doc = (title, body) => `<!doctype html>
<html lang="ky"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/s.css"></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

let site;
let siteUrl;
let browser;
let posts = 0;

before(async () => {
  site = http.createServer((req, res) => {
    if (req.url === '/s.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end('.wide { width: 2000px; } h1 { color: #111; }');
      return;
    }
    const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP };
    if (req.method === 'POST' && req.url === '/send') {
      posts += 1;
      req.resume();
      req.on('end', () => res.writeHead(201, headers).end(doc('Received', `<p id="n">${posts}</p><div class="wide">x</div>`)));
      return;
    }
    if (req.url === '/form') {
      res.writeHead(200, headers).end(doc('Form', '<form method="post" action="/send"><button type="submit">Send</button></form>'));
      return;
    }
    if (req.url === '/broken') {
      res.writeHead(200, headers).end(doc('Broken', '<img src="/s.css">'));
      return;
    }
    res.writeHead(404, headers).end(doc('Not found', ''));
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${site.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r) ?? r());
});

test('inJsReplay shows a JS-off POST result in a JS-on context without posting again', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  try {
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/form`);
    await clickAndWait(p, p.locator('button'));
    assert.equal(posts, 1);
    const seen = await inJsReplay(browser, p, { viewport: { width: 360, height: 640 } }, async (r) => {
      await checkA11y(r, 'replayed receipt');
      return r.evaluate(() => ({
        n: document.getElementById('n').textContent,
        url: location.pathname,
        width: document.documentElement.scrollWidth,
        sheets: [...document.styleSheets].filter((s) => s.cssRules.length > 0).length,
      }));
    });
    assert.deepEqual({ ...seen, width: undefined }, { n: '1', url: '/send', width: undefined, sheets: 1 });
    assert.ok(seen.width >= 2000, `the stylesheet's .wide did not apply: scrollWidth ${seen.width}`);
    assert.equal(posts, 1, 'the replay sent the POST again');
  } finally {
    await ctx.close();
  }
});

test('checkA11y knownIssues turns the named serious rules into warnings, and only those', async () => {
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/broken`);
    await assert.rejects(checkA11y(p, 'broken'), /image-alt/);
    await checkA11y(p, 'broken, image-alt known', { knownIssues: ['image-alt'] });
    await assert.rejects(checkA11y(p, 'broken, other rule known', { knownIssues: ['button-name'] }), /image-alt/);
  } finally {
    await ctx.close();
  }
});
