// The GraphiQL page in a real headless browser (Debian's chromium, driven by
// playwright-core): it loads from the gateway alone (any request to another host fails
// the check), shows the schema in the docs pane, and runs the README's example query as
// Acme's APA (data, the company token, no errors) and as Globex's APA, an outsider
// (the same company, `companyToken` null at its path with a FORBIDDEN error).
// Usage: node graphiql.mjs URL SCREENSHOT_PATH
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const elsewhere = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['http:', 'ws:'].includes(u.protocol) || u.host !== new URL(url).host) {
      if (u.protocol !== 'data:') elsewhere.push(r.url());
    }
  });
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30000 });

  // The docs pane reads the schema (introspection is on in development).
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForFunction(() => document.querySelector('.graphiql-doc-explorer')?.innerText.includes('Query'), null, { timeout: 30000 });
  const docs = await page.$eval('.graphiql-doc-explorer', (el) => el.innerText);
  assert.match(docs, /query: Query/);

  const result = async (subject) => {
    const value = await page.$eval('#persona', (el, s) => [...el.options].find((o) => o.text.endsWith(s))?.value, subject);
    assert.ok(value, `persona ${subject} in the picker`);
    await page.selectOption('#persona', value);
    await page.waitForSelector('.graphiql-execute-button');
    // A new persona remounts GraphiQL: wait for the schema before running.
    await page.waitForFunction(() => !document.querySelector('.graphiql-spinner'), null, { timeout: 30000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => {
      const cm = document.querySelector('.result-window .CodeMirror')?.CodeMirror;
      return cm && cm.getValue().includes('"data"');
    }, null, { timeout: 30000 });
    const text = await page.$eval('.result-window .CodeMirror', (el) => el.CodeMirror.getValue());
    return JSON.parse(text);
  };

  const apa = await result('apa@acme.example');
  assert.equal(apa.data.company.name, 'Acme Analytics');
  assert.equal(typeof apa.data.company.companyToken, 'string');
  assert.ok(apa.data.company.companyToken.length > 0);
  assert.equal(apa.errors, undefined, JSON.stringify(apa.errors));
  console.log(`graphiql: as the APA, companyToken …${apa.data.company.companyToken.slice(-4)}, no errors`);

  const outsider = await result('apa@globex.example');
  assert.equal(outsider.data.company.name, 'Acme Analytics');
  assert.equal(outsider.data.company.companyToken, null);
  const refused = outsider.errors.find((e) => e.path.join('.') === 'company.companyToken');
  assert.ok(refused, JSON.stringify(outsider.errors));
  assert.equal(refused.extensions.code, 'FORBIDDEN');
  console.log(`graphiql: as an outsider, companyToken null with FORBIDDEN; ${outsider.errors.length} refused fields in all`);
  if (screenshot) await page.screenshot({ path: screenshot });

  assert.deepEqual(elsewhere, [], 'requests that left the gateway');
  assert.deepEqual(consoleErrors, [], 'errors in the page');
  console.log('graphiql: every request stayed on the gateway');
} finally {
  await browser.close();
}
