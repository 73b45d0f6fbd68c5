// End-to-end test of the workbench against the real node, in a real headless Chromium.
//
// Starts `$CORRIDOR_BIN --data DIR demo`, then `$CORRIDOR_BIN --data DIR serve` on a free port
// serving web/dist, and walks through the screens as the demo users would. Screenshots of each
// step go to web/test-artifacts/. Any request that leaves 127.0.0.1 fails the test.
//
//   CORRIDOR_BIN=/path/to/corridor npm test
//
// Optional: CHROMIUM (default /usr/bin/chromium).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(WEB, 'dist');
const ARTIFACTS = join(WEB, 'test-artifacts');
const PASSWORD = 'demo-password-1';
const REASON = 'case 2026/114 network analysis';
// Datasets the analyst may read only with a reason (their handling code is confidential).
const CONFIDENTIAL_DATASETS = ['sim-money-transfers', 'sim-debriefings', 'sim-watchlist', 'sim-phone-extracts'];

let passed = 0;
let failed = 0;
let shot = 0;
let node = null;
let browser = null;
let dataDir = null;
const offHost = [];
const pageErrors = [];

function die(message) {
  console.error(`e2e: ${message}`);
  process.exitCode = 1;
}

async function main() {
  const bin = process.env.CORRIDOR_BIN;
  if (!bin) throw new Setup('CORRIDOR_BIN is not set: point it at the corridor binary, e.g. CORRIDOR_BIN=target/debug/corridor npm test');
  if (!existsSync(bin)) throw new Setup(`CORRIDOR_BIN=${bin}: no such file`);
  if (!existsSync(join(DIST, 'index.html'))) throw new Setup('web/dist/index.html is missing: run `npm run build` first');
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) throw new Setup(`no Chromium at ${chromiumPath} (set CHROMIUM, or apt-get install chromium)`);
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  const base = await startNode(bin);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const origin = new URL(base);

  async function newPage() {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    // Every request the page makes is checked: only the node on 127.0.0.1 may be reached.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      if (url.hostname === '127.0.0.1' && url.port === origin.port) return route.continue();
      offHost.push(url.href);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('websocket', (ws) => offHost.push(`websocket ${ws.url()}`));
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // The workbench never writes to the console (it could carry personal data).
    page.on('console', (msg) => {
      if (['log', 'info', 'debug'].includes(msg.type())) pageErrors.push(`console.${msg.type()} called`);
    });
    return page;
  }

  async function login(page, username) {
    await page.goto(base + '/');
    await page.getByTestId('login-form').waitFor();
    expect(new URL(page.url()).pathname === '/login', `expected /login before logging in, got ${page.url()}`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('header').waitFor();
  }

  async function search(page, query) {
    // The keyboard way: "/" goes to the search field from anywhere.
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    await page.keyboard.press('/');
    expect(await page.getByTestId('search-input').evaluate((el) => el === document.activeElement), '"/" did not focus the search field');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(query);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === query);
    await page.locator('[data-testid="search-results"], [data-testid="no-results"]').first().waitFor();
    return page.getByTestId('search-result').evaluateAll((links) =>
      links.map((a) => ({ id: a.dataset.id, schema: a.dataset.schema, datasets: (a.dataset.datasets || '').split(' ').filter(Boolean), text: a.textContent })),
    );
  }

  async function setReason(page, text) {
    const input = page.getByTestId('reason-input');
    await input.fill(text);
    await input.press('Enter');
  }

  const analyst = await newPage();
  let firstEntityId = null;
  let confidentialId = null;
  let protectionId = null;

  await step('log in as analyst', analyst, async () => {
    await login(analyst, 'analyst');
    expect(await analyst.locator('[data-testid="user"] [data-role="analyst"]').count() === 1, 'header does not show the analyst role');
    expect(/analyst/i.test(await analyst.getByTestId('user').innerText()), 'header does not show the user');
    await analyst.getByTestId('reason-input').waitFor();
  });

  await step('search "hussain"', analyst, async () => {
    const hits = await search(analyst, 'hussain');
    expect(hits.length > 0, 'no results for "hussain"');
    expect(hits.some((h) => /hussain/i.test(h.text)), 'no result shows the name Hussain');
  });

  await step('open an entity with the keyboard', analyst, async () => {
    const hits = await search(analyst, 'hussain');
    expect(hits.length > 0, 'no results for "hussain"');
    await analyst.keyboard.press('ArrowDown');
    let focused = await analyst.evaluate(() => document.activeElement?.getAttribute('data-id'));
    expect(focused === hits[0].id, 'ArrowDown from the search field did not move to the first result');
    if (hits.length > 1) {
      await analyst.keyboard.press('ArrowDown');
      focused = await analyst.evaluate(() => document.activeElement?.getAttribute('data-id'));
      expect(focused === hits[1].id, 'ArrowDown did not move to the next result');
    }
    await analyst.keyboard.press('Enter');
    await analyst.waitForURL((url) => url.pathname === `/entity/${encodeURIComponent(focused)}`);
    await analyst.getByTestId('entity-page').waitFor();
    firstEntityId = focused;
  });

  await step('entity shows facts with source, author, time and handling', analyst, async () => {
    const facts = analyst.getByTestId('fact');
    expect((await facts.count()) > 0, 'no facts on the entity page');
    expect((await analyst.getByTestId('entity-caption').innerText()).trim() !== '', 'no caption');
    expect((await analyst.getByTestId('entity-schema').innerText()).trim() !== '', 'no schema');
    const rows = await facts.evaluateAll((trs) =>
      trs.map((tr) => ({
        value: tr.querySelector('[data-testid="fact-value"]')?.textContent?.trim(),
        dataset: tr.querySelector('[data-testid="fact-dataset"]')?.textContent?.trim(),
        author: tr.querySelector('[data-testid="fact-author"]')?.textContent?.trim(),
        time: tr.querySelector('[data-testid="fact-time"] time')?.getAttribute('datetime'),
        handling: tr.querySelector('[data-testid="handling"]')?.getAttribute('data-handling'),
        colour: tr.querySelector('[data-testid="handling"]') ? getComputedStyle(tr.querySelector('[data-testid="handling"]')).backgroundColor : null,
      })),
    );
    for (const r of rows) {
      expect(r.value, 'a fact without a value');
      expect(r.dataset, 'a fact without its source dataset');
      expect(r.author, 'a fact without its author');
      expect(r.time && !Number.isNaN(Date.parse(r.time)), `a fact without a valid time (${r.time})`);
      expect(['public', 'restricted', 'confidential', 'protection'].includes(r.handling), `a fact without a handling badge (${r.handling})`);
      expect(r.colour && r.colour !== 'rgba(0, 0, 0, 0)', 'a handling badge without a colour');
    }
    expect((await analyst.getByTestId('history-item').count()) > 0, 'no history');
  });

  await step('without a reason, withheld facts are shown and the button goes to the reason field', analyst, async () => {
    // Hussain also appears in confidential sources (money transfers, debriefings): without a
    // reason the node withholds them and says how many.
    await search(analyst, 'hussain');
    const notice = analyst.locator('[data-testid="withheld-notice"][data-reason="missing"]');
    expect((await notice.count()) === 1, 'no notice that facts were withheld for lack of a reason');
    await notice.getByTestId('give-reason').click();
    expect(await analyst.getByTestId('reason-input').evaluate((el) => el === document.activeElement), 'the button did not focus the reason field');
  });

  await step('with a reason, confidential facts appear', analyst, async () => {
    await analyst.keyboard.type(REASON);
    await analyst.keyboard.press('Enter');
    await analyst.locator('[data-testid="reason-status"].ok').waitFor();
    await analyst.waitForFunction(() => !document.querySelector('[data-testid="withheld-notice"][data-reason="missing"]') && document.querySelector('[data-testid="search-results"]'));
    const hits = await analyst.getByTestId('search-result').evaluateAll((links) =>
      links.map((a) => ({ id: a.dataset.id, datasets: (a.dataset.datasets || '').split(' ') })),
    );
    const hit = hits.find((h) => h.datasets.some((d) => CONFIDENTIAL_DATASETS.includes(d)));
    expect(hit, `no result from a confidential source (${CONFIDENTIAL_DATASETS.join(', ')}) once a reason was given`);
    confidentialId = hit.id;
    await analyst.locator(`[data-testid="search-result"][data-id="${cssEscape(hit.id)}"]`).click();
    await analyst.getByTestId('entity-page').waitFor();
    const confidential = analyst.locator('[data-testid="fact"] [data-testid="handling"][data-handling="confidential"]');
    expect((await confidential.count()) > 0, 'no confidential fact shown with a reason');
    const stored = await analyst.evaluate(() => sessionStorage.getItem('corridor.reason'));
    expect(stored === REASON, 'the reason is not kept in sessionStorage');
    expect(!analyst.url().includes('case'), 'the reason leaked into the URL');
  });

  await step('clearing the reason withholds the confidential facts again', analyst, async () => {
    await analyst.getByTestId('reason-clear').click();
    // The node answers 428 (reason required) when every fact it would show needs a reason,
    // or shows the rest and counts the withheld ones.
    await analyst.waitForFunction(() =>
      document.querySelector('[data-testid="reason-required"]') ||
      document.querySelector('[data-testid="withheld-notice"][data-reason="missing"]'),
    );
    expect((await analyst.locator('[data-testid="handling"][data-handling="confidential"]').count()) === 0, 'confidential facts still shown without a reason');
    await snap(analyst, 'without-reason');
    await setReason(analyst, REASON);
    await analyst.locator('[data-testid="fact"] [data-testid="handling"][data-handling="confidential"]').first().waitFor();
  });

  await step('search in Arabic script', analyst, async () => {
    // Names in their own script come from debriefings and seized phones, which are
    // confidential: this runs with the reason given above. The first query that finds
    // anything is enough; محمد comes first.
    const tried = [];
    for (const query of ['محمد', 'احمد', 'علي', 'حسين', 'عبد']) {
      const hits = await search(analyst, query);
      tried.push(`${query}: ${hits.length}`);
      if (hits.length > 0) {
        expect(hits.some((h) => h.text.includes(query)), `no result for "${query}" shows the name`);
        return;
      }
    }
    throw new Error(`no results for any Arabic-script query (${tried.join(', ')})`);
  });

  await step('switch to Arabic: dir=rtl and the layout mirrors', analyst, async () => {
    await analyst.goto(`${base}/entity/${encodeURIComponent(firstEntityId)}`);
    await analyst.getByTestId('entity-page').waitFor();
    const ltr = await boxes(analyst);
    await snap(analyst, 'english');
    expect(ltr.brand.x < ltr.logout.x, 'in English the brand is not left of the logout button');
    await analyst.getByTestId('lang').selectOption('ar');
    await analyst.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect((await analyst.evaluate(() => document.documentElement.lang)) === 'ar', 'lang is not "ar"');
    await analyst.getByTestId('entity-page').waitFor();
    const rtl = await boxes(analyst);
    expect(rtl.brand.x > rtl.logout.x, 'in Arabic the brand is not right of the logout button');
    expect(rtl.firstCol.x > rtl.secondCol.x, 'in Arabic the facts table does not run right to left');
    const logout = await analyst.getByTestId('logout').innerText();
    expect(/[\u0600-\u06FF]/.test(logout), `the logout button is not in Arabic (${logout})`);
    // Kept across a reload.
    await analyst.reload();
    await analyst.getByTestId('entity-page').waitFor();
    expect((await analyst.evaluate(() => document.documentElement.dir)) === 'rtl', 'Arabic not kept after a reload');
  });

  await step('analyst is refused the users page', analyst, async () => {
    await analyst.getByTestId('lang').selectOption('en');
    await analyst.waitForFunction(() => document.documentElement.dir === 'ltr');
    expect((await analyst.getByTestId('nav-users').count()) === 0, 'the analyst is offered the users page');
    await analyst.goto(`${base}/users`);
    await analyst.getByTestId('not-permitted').waitFor();
    expect((await analyst.getByTestId('users-table').count()) === 0, 'users listed to the analyst');
  });

  const admin = await newPage();
  await step('admin sees the users page with the demo users', admin, async () => {
    await login(admin, 'admin');
    await admin.getByTestId('nav-users').click();
    await admin.getByTestId('users-table').waitFor();
    const names = await admin.getByTestId('user-row').evaluateAll((rows) => rows.map((r) => r.dataset.username));
    for (const u of ['admin', 'border', 'analyst', 'investigator', 'central', 'protection', 'researcher']) {
      expect(names.includes(u), `user ${u} not listed`);
    }
    const analystRow = admin.locator('[data-testid="user-row"][data-username="analyst"]');
    expect(await analystRow.locator('input[data-role="analyst"]').isChecked(), "the analyst's role box is not ticked");
  });

  await step('admin creates a user, changes its roles and disables it', admin, async () => {
    await admin.getByTestId('new-username').fill('e2eresearcher');
    await admin.getByTestId('new-display-name').fill('سارة الباحثة');
    await admin.getByTestId('new-password').fill('e2e-password-0123456789');
    await admin.locator('[data-testid="create-user-form"] input[data-role="researcher"]').check();
    await admin.getByTestId('create-user').click();
    const row = admin.locator('[data-testid="user-row"][data-username="e2eresearcher"]');
    await row.waitFor().catch(async () => {
      throw new Error(`user not created: ${await admin.getByTestId('create-message').innerText()}`);
    });
    await row.locator('input[data-role="analyst"]').check();
    await row.getByTestId('save-roles').click();
    await admin.waitForFunction(() =>
      document.querySelector('[data-testid="user-row"][data-username="e2eresearcher"] input[data-role="analyst"]')?.checked &&
      document.querySelector('[data-testid="user-row"][data-username="e2eresearcher"] [data-testid="save-roles"]')?.disabled,
    );
    await row.getByTestId('disable-user').click();
    await admin.locator('[data-testid="user-row"][data-username="e2eresearcher"] [data-testid="enable-user"]').waitFor();
  });

  const protection = await newPage();
  await step('protection officer finds a person from the protection dataset', protection, async () => {
    await login(protection, 'protection');
    await setReason(protection, 'referral follow-up 2026/7');
    for (const query of ['ali', 'mohammed', 'ahmed', 'hussain', 'a']) {
      const hits = await search(protection, query);
      const hit = hits.find((h) => h.datasets.length > 0 && h.datasets.every((d) => d === 'sim-protection'));
      if (hit) {
        protectionId = hit.id;
        break;
      }
    }
    expect(protectionId, 'no search result from the sim-protection dataset');
    await protection.locator(`[data-testid="search-result"][data-id="${cssEscape(protectionId)}"]`).click();
    await protection.getByTestId('entity-page').waitFor();
    expect((await protection.locator('[data-testid="handling"][data-handling="protection"]').count()) > 0, 'no protection facts shown to the protection officer');
  });

  await step('analyst is refused the protection entity', analyst, async () => {
    // With a reason given, so that the refusal is the role's, not the missing reason's.
    expect((await analyst.evaluate(() => sessionStorage.getItem('corridor.reason'))) === REASON, 'reason lost');
    await analyst.goto(`${base}/entity/${encodeURIComponent(protectionId)}`);
    await analyst.getByTestId('not-permitted').waitFor();
    expect((await analyst.getByTestId('fact').count()) === 0, 'protection facts shown to the analyst');
  });

  await step('analyst logs out', analyst, async () => {
    await analyst.getByTestId('logout').click();
    await analyst.getByTestId('login-form').waitFor();
    expect((await analyst.evaluate(() => sessionStorage.getItem('corridor.reason'))) === null, 'reason kept after logout');
    await analyst.goto(`${base}/entity/${encodeURIComponent(confidentialId)}`);
    await analyst.getByTestId('login-form').waitFor();
  });

  await step('no request left 127.0.0.1 and no page error', null, async () => {
    expect(offHost.length === 0, `requests off 127.0.0.1: ${offHost.slice(0, 5).join(', ')}`);
    expect(pageErrors.length === 0, `page errors: ${pageErrors.slice(0, 5).join(' | ')}`);
  });
}

/** Bounding boxes of the header's ends and of the facts table's first two columns. */
async function boxes(page) {
  const box = async (selector) => {
    const b = await page.locator(selector).first().boundingBox();
    if (!b) throw new Error(`${selector} is not visible`);
    return b;
  };
  return {
    brand: await box('[data-testid="brand"]'),
    logout: await box('[data-testid="logout"]'),
    firstCol: await box('[data-testid="facts"] thead th:nth-child(1)'),
    secondCol: await box('[data-testid="facts"] thead th:nth-child(2)'),
  };
}

class Setup extends Error {}

/** A screenshot in the middle of a step, numbered after the previous step's. */
async function snap(page, label) {
  const file = join(ARTIFACTS, `${String(shot).padStart(2, '0')}b-${label}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function cssEscape(text) {
  return text.replace(/["\\]/g, '\\$&');
}

async function step(name, page, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.error(`FAIL ${name}: ${error.message.split('\n')[0]}`);
    throw new StepFailed(name);
  } finally {
    shot++;
    if (page) {
      const file = join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    }
  }
}

class StepFailed extends Error {}

/** Loads the demo world and starts the node on a free port; resolves to its base URL. */
async function startNode(bin) {
  dataDir = mkdtempSync(join(tmpdir(), 'corridor-e2e-'));
  const data = join(dataDir, 'node');
  const env = { ...process.env, CORRIDOR_DEMO_PASSWORD: PASSWORD };
  delete env.CORRIDOR_DATA;
  const demo = spawnSync(bin, ['--data', data, 'demo'], { env, encoding: 'utf8', timeout: 10 * 60_000 });
  if (demo.status !== 0) {
    throw new Setup(`\`corridor demo\` failed (status ${demo.status}${demo.error ? `, ${demo.error.message}` : ''}): ${(demo.stderr || '').trim().split('\n').slice(-5).join(' / ')}`);
  }
  node = spawn(bin, ['--data', data, 'serve', '--listen', '127.0.0.1:0', '--web', DIST], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  node.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Setup(`the node did not print "listening on" within 60 s; stderr: ${stderr.trim().split('\n').slice(-5).join(' / ')}`)), 60_000);
    node.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(m[1]);
      }
    });
    node.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Setup(`the node exited (${code ?? signal}) before listening; stderr: ${stderr.trim().split('\n').slice(-5).join(' / ')}`));
    });
  });
}

async function cleanUp() {
  if (browser) await browser.close().catch(() => {});
  if (node && node.exitCode === null && node.signalCode === null) {
    const exited = new Promise((r) => node.once('exit', r));
    node.kill('SIGTERM');
    const timeout = new Promise((r) => setTimeout(r, 5000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') node.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await cleanUp();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  if (error instanceof Setup) {
    failed++;
    die(`setup failed: ${error.message}`);
  } else if (!(error instanceof StepFailed)) {
    failed++;
    die(`unexpected error: ${error.stack || error}`);
  }
} finally {
  await cleanUp();
}
console.log(`screenshots in ${ARTIFACTS}`);
console.log(`${passed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
