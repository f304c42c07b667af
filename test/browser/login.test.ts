/**
 * Signing in to the dashboard in a real browser (issue 9, defect 11): a one-time login
 * link gives an HttpOnly session cookie that no script on the page can read, nothing is
 * kept in localStorage or sessionStorage, the code is gone from the address bar and
 * works only once; a viewer session sees steering controls disabled and its API calls
 * refused; an operator session cordons and steers; a pasted token becomes a cookie and
 * is not kept; logging out ends the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningTwin } from '../../src/twin/runtime.js';
import { chromiumMissingMessage, ensureWebBuilt, haveChromium, launch, startSmallTwin } from './harness.js';

const mustRun = process.env.CI === 'true';
if (!haveChromium && !mustRun) console.warn(chromiumMissingMessage());

/** What scripts on the page can see of the session: document.cookie and both web storages. */
const visibleToScripts = (page: Page) =>
  page.evaluate(() => ({ cookie: document.cookie, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }));

describe.skipIf(!haveChromium && !mustRun)('dashboard sign-in in Chromium', () => {
  let twin: RunningTwin;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const fresh = async () => {
    const c = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(c);
    return { context: c, page: await c.newPage() };
  };

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true and ${chromiumMissingMessage()}`);
    ensureWebBuilt();
    twin = await startSmallTwin(600);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await twin?.stop();
  });

  it('a viewer link: HttpOnly SameSite=Strict cookie no script sees, no token stored, steering disabled and refused, the link works once', async () => {
    const link = await twin.loginLink('viewer');
    const { context, page } = await fresh();
    await page.goto(link.url);
    await page.waitForURL(`${twin.url}/`);
    await page.getByTestId('flagship').waitFor();
    const cookies = await context.cookies();
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path, secure: c.secure }))).toEqual([{ name: 'colossus_session', httpOnly: true, sameSite: 'Strict', path: '/', secure: false }]);
    const seen = await visibleToScripts(page);
    expect(seen.cookie).not.toContain('colossus_session');
    expect(seen.cookie).not.toContain(cookies[0].value);
    expect(seen.local).toBe('{}');
    expect(seen.session).toBe('{}');
    for (const v of Object.values(seen)) expect(v).not.toContain(twin.adminToken);
    expect(page.url()).not.toMatch(/code=|token=/);

    await page.locator('[data-testid=session][data-role=viewer]').waitFor();
    expect(await page.getByTestId('speed').isDisabled()).toBe(true);
    const node = twin.twin.fleet.nodes[5].name;
    await page.goto(`${twin.url}/nodes/${node}`);
    await page.getByTestId('node-state').waitFor();
    expect(await page.getByTestId('cordon').isDisabled()).toBe(true);
    expect(await page.getByTestId('operate-hint').textContent()).toMatch(/viewer session reads only.*login-link --role operator/);
    // A script on the page (the cookie rides along) is refused too.
    const status = await page.evaluate(async (n) => (await fetch(`/api/v1/nodes/${n}/cordon`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-colossus-csrf': '1' }, body: '{"reason":"x"}' })).status, node);
    expect(status).toBe(403);

    const again = await (await fresh()).page.goto(link.url);
    expect(again?.status()).toBe(410);
    expect(await again?.text()).toMatch(/already used/);
  });

  it('an operator link: cordon and speed work from the page', async () => {
    const { page } = await fresh();
    await page.goto((await twin.loginLink('operator')).url);
    await page.locator('[data-testid=session][data-role=operator]').waitFor();
    expect(await page.getByTestId('speed').isDisabled()).toBe(false);
    const node = twin.twin.fleet.nodes[6].name;
    await page.goto(`${twin.url}/nodes/${node}`);
    await page.getByTestId('node-state').waitFor();
    await page.getByTestId('cordon').click();
    await page.waitForFunction(() => /cordon/.test(document.querySelector('[data-testid=action-msg]')?.textContent ?? ''));
    expect(twin.server.controller.nodes.get(node)?.hold).toBe('cordon');
    expect(JSON.stringify(await visibleToScripts(page))).not.toMatch(/cla_|cls_|clo_/);
  });

  it('a pasted token becomes a cookie session and is kept nowhere; logging out ends the session', async () => {
    const res = await fetch(`${twin.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${twin.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'viewer', name: 'paste' }) });
    const token = ((await res.json()) as { token: string }).token;
    const { context, page } = await fresh();
    await page.goto(`${twin.url}/jobs`);
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('token-input').press('Enter');
    await page.locator('[data-testid=session][data-role=viewer]').waitFor();
    const seen = JSON.stringify(await visibleToScripts(page));
    expect(seen).not.toContain(token);
    expect(seen).not.toContain('cls_');
    expect((await context.cookies()).map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['colossus_session', true, 'Strict']]);

    await page.getByTestId('logout').click();
    await page.getByTestId('token-input').waitFor();
    expect(await context.cookies()).toEqual([]);
    expect((await page.evaluate(async () => (await fetch('/api/v1/session')).status))).toBe(401);
  });
});
