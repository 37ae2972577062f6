// Self-tests of e2e/lib/harness.mjs. They need Chromium but not Trustbox: a fake
// server script stands in for `trustbox serve`, and a tiny Node HTTP server
// sends pages under a strict Content-Security-Policy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startServer, createTestDatabase, launchBrowser, checkA11y, checkA11yAt, screenshot, login } from '../lib/harness.mjs';

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fake-trustbox.mjs');
const CSP = "default-src 'self'; script-src 'none'";

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const PAGES = {
  '/clean': page('Clean page', '<p>Кыргызча, қазақша, по-русски.</p><script>document.title = "inline script ran";</script>'),
  '/broken': page('Broken page',
    '<img src="/nothing.png"><form><input type="text" name="q"></form><button></button>'),
  '/staff/login': page('Login', `
    <form id="language-form" method="post" action="/lang"><select name="lang" aria-label="Language"><option>en</option></select><button type="submit">Go</button></form>
    <form method="post" action="/staff/login">
      <label>User <input name="username"></label>
      <label>Password <input name="password" type="password"></label>
      <button type="submit">Log in</button>
    </form>`),
};

let site;
let siteUrl;
let browser;
let lastLogin = null;

before(async () => {
  site = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/staff/login') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        lastLogin = Object.fromEntries(new URLSearchParams(body));
        res.writeHead(303, { location: '/staff' }).end();
      });
      return;
    }
    const html = req.url === '/staff' ? page('Staff home', '<p>Welcome</p>') : PAGES[req.url];
    if (!html) { res.writeHead(404, { 'content-type': 'text/html' }).end(page('Not found', '')); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
    res.end(html);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${site.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r) ?? r());
});

test('startServer parses the listening line, setup link and demo accounts, and stop() cleans up', async () => {
  process.env.TRUSTBOX_DATABASE_URL = 'postgres://must-not-be-used/x';
  const srv = await startServer({ bin: FAKE, demo: true });
  delete process.env.TRUSTBOX_DATABASE_URL;
  try {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(srv.setupLink, `${srv.url}/setup/Abc_123-xyz`);
    assert.deepEqual(srv.demoAccounts, [
      { school: 'school-9', role: 'responsible', login: 'aigul', password: 'demo-pass-1' },
      { school: 'school-9', role: 'director', login: 'bakyt', password: 'demo-pass-2' },
    ]);
    assert.ok(fs.statSync(srv.dataDir).isDirectory());
    const seen = await (await fetch(`${srv.url}/argv`)).json();
    assert.deepEqual(seen.argv, ['serve', '--listen', '127.0.0.1:0', '--data-dir', srv.dataDir, '--demo']);
    assert.equal(seen.rateLimit, 'off');
    assert.deepEqual(seen.trustboxEnv, ['TRUSTBOX_RATE_LIMIT'], 'inherited TRUSTBOX_* variables are dropped');
    assert.match(srv.stdout(), /Trustbox listening on/);
  } finally {
    await srv.stop();
  }
  assert.equal(fs.existsSync(srv.dataDir), false, 'stop() removes the data dir');
  assert.notEqual(srv.process.exitCode ?? srv.process.signalCode, null, 'stop() ends the process');
});

test('startServer passes --database-url and lets env override the rate limit', async () => {
  const srv = await startServer({
    bin: FAKE,
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/trustbox_x',
    env: { TRUSTBOX_RATE_LIMIT: 'on' },
  });
  try {
    const seen = await (await fetch(`${srv.url}/argv`)).json();
    assert.deepEqual(seen.argv.slice(-2), ['--database-url', 'postgres://postgres@127.0.0.1:5432/trustbox_x']);
    assert.equal(seen.rateLimit, 'on');
    assert.deepEqual(srv.demoAccounts, []);
  } finally {
    await srv.stop();
  }
});

test('startServer({ postgres: true }) creates a fresh database and stop() drops it', async () => {
  const exists = (name) => execFileSync('psql', [process.env.TRUSTBOX_TEST_PG, '-X', '-t', '-A', '-c',
    `select count(*) from pg_database where datname = '${name}'`]).toString().trim() === '1';
  const srv = await startServer({ bin: FAKE, postgres: true });
  const name = new URL(srv.databaseUrl).pathname.slice(1);
  try {
    assert.match(name, /^trustbox_e2e_[0-9a-f]{12}$/);
    assert.ok(exists(name), 'database created');
    const seen = await (await fetch(`${srv.url}/argv`)).json();
    assert.deepEqual(seen.argv.slice(-2), ['--database-url', srv.databaseUrl]);
    execFileSync('psql', [srv.databaseUrl, '-X', '-q', '-c', 'select 1']);
  } finally {
    await srv.stop();
  }
  assert.equal(exists(name), false, 'database dropped by stop()');
  const db = createTestDatabase();
  db.drop();
  assert.equal(exists(db.name), false);
});

test('startServer times out with the collected output', async () => {
  await assert.rejects(
    startServer({ bin: FAKE, env: { FAKE_MODE: 'silent' }, timeoutMs: 1_000 }),
    (e) => /did not print "Trustbox listening on/.test(e.message) && /--- stderr:/.test(e.message),
  );
});

test('startServer reports an early exit with stderr', async () => {
  await assert.rejects(
    startServer({ bin: FAKE, env: { FAKE_MODE: 'crash' } }),
    (e) => /exited before listening \(code 3/.test(e.message) && /permission denied/.test(e.message),
  );
});

test('startServer refuses a missing binary clearly', async () => {
  await assert.rejects(startServer({ bin: '/nonexistent/trustbox' }), /not an executable file/);
});

test('the test site really enforces its CSP (inline script does not run)', async () => {
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    const resp = await p.goto(`${siteUrl}/clean`);
    assert.equal(resp.headers()['content-security-policy'], CSP);
    assert.equal(await p.title(), 'Clean page');
  } finally {
    await ctx.close();
  }
});

test('checkA11y runs axe under a strict CSP and passes a clean page', async () => {
  const ctx = await browser.newContext(); // no bypassCSP
  try {
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/clean`);
    const r = await checkA11y(p, 'clean');
    assert.ok(Array.isArray(r.violations));
    assert.equal(await p.title(), 'Clean page', 'the page\'s own inline script is still blocked');
  } finally {
    await ctx.close();
  }
});

test('checkA11y under a strict CSP throws a readable list of serious/critical violations', async () => {
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/broken`);
    await assert.rejects(checkA11y(p, 'broken'), (e) => {
      assert.match(e.message, /serious\/critical accessibility violation/);
      assert.match(e.message, /\[critical\] image-alt: /);
      assert.match(e.message, /button-name/);
      assert.match(e.message, /- img/);
      return true;
    });
  } finally {
    await ctx.close();
  }
});

test('checkA11yAt checks a page that tests view with JavaScript disabled', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  try {
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/broken`);
    assert.equal(await p.locator('h1').textContent(), 'Broken page');
  } finally {
    await ctx.close();
  }
  await checkA11yAt(browser, `${siteUrl}/clean`, 'clean (no JS)');
  await assert.rejects(checkA11yAt(browser, `${siteUrl}/broken`, 'broken (no JS)'), /image-alt/);
  await assert.rejects(checkA11yAt(browser, `${siteUrl}/missing`, 'missing'), /HTTP 404/);
});

test('screenshot writes a full-page PNG under e2e/screenshots', async () => {
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/clean`);
    const file = await screenshot(p, 'harness-selftest clean');
    assert.match(file, /screenshots\/harness-selftest_clean\.png$/);
    const head = fs.readFileSync(file).subarray(0, 8);
    assert.deepEqual([...head], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  } finally {
    await ctx.close();
  }
});

test('login fills the login form (not the language form) and follows the redirect', async () => {
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    await login(p, siteUrl, 'admin', 'correct horse battery staple');
    assert.equal(new URL(p.url()).pathname, '/staff');
    assert.deepEqual(lastLogin, { username: 'admin', password: 'correct horse battery staple' });
  } finally {
    await ctx.close();
  }
});
