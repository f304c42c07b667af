/**
 * The dashboard in a real browser (Chromium via playwright-core) against a twin
 * on loopback: the map draws one cell per GPU, a failed node opens from the map,
 * the job chart shows progress, cordon from the UI reaches the API, the planner
 * answers. Screenshots of each page go to artifacts/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningTwin } from '../../src/twin/runtime.js';
import { SCREENSHOTS, chromiumMissingMessage, ensureWebBuilt, haveChromium, launch, startSmallTwin } from './harness.js';
import { countCells, findColor } from './pixels.js';

const mustRun = process.env.CI === 'true';
if (!haveChromium && !mustRun) console.warn(chromiumMissingMessage());

describe.skipIf(!haveChromium && !mustRun)('dashboard in Chromium', () => {
  let twin: RunningTwin;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true and ${chromiumMissingMessage()}`);
    ensureWebBuilt();
    twin = await startSmallTwin();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto((await twin.loginLink('operator')).url); // an operator session: the page holds no token
    await page.getByTestId('flagship').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await twin?.stop();
  });

  it('overview shows the fleet, the flagship and live events', async () => {
    await page.getByTestId('feed').locator('div').first().waitFor();
    const running = await page.getByTestId('jobs-running').textContent();
    expect(Number(running?.replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(await page.getByTestId('goodput').textContent()).toMatch(/%/);
    // the spare reserve the control plane keeps for the flagship (the twin runs --spare-reserve auto)
    expect(await page.getByTestId('spare-reserve-nodes').textContent()).toMatch(/^\d+ nodes? \(auto\)$/);
    expect(await page.getByTestId('spare-reserve').textContent()).toMatch(/held idle for the flagship/);
    await page.screenshot({ path: `${SCREENSHOTS}/overview.png` });
  });

  it('the map draws one cell per GPU', async () => {
    await page.goto(`${twin.url}/map`);
    const canvas = page.getByTestId('map');
    await page.waitForFunction(() => Number(document.querySelector('canvas[data-testid=map]')?.getAttribute('data-painted') ?? 0) >= 1);
    const cells = await countCells(canvas);
    expect(cells).toBe(twin.twin.fleet.gpus);
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 40);
    await page.locator('.tip').waitFor();
    expect(await page.locator('.tip').textContent()).toMatch(/node-\d+ GPU \d · \w+/);
    await page.screenshot({ path: `${SCREENSHOTS}/map.png` });
  });

  it('clicking a failed GPU on the map opens its node', async () => {
    const node = twin.twin.fleet.nodes[37];
    expect(twin.twin.inject('gpuFaulty', node.index)).toBe(true);
    await page.goto(`${twin.url}/map`);
    const canvas = page.getByTestId('map');
    // The XID reaches the control plane within the detection latency (10 virtual s); the map repaints every second.
    let spot: { x: number; y: number } | null = null;
    for (let i = 0; i < 60 && !spot; i++) {
      await page.waitForTimeout(500);
      spot = await findColor(canvas, '#ff2d95');
    }
    expect(spot).not.toBeNull();
    await canvas.click({ position: spot! });
    await page.waitForURL(`**/nodes/${node.name}`);
    await page.getByTestId('node-state').waitFor();
    await page.waitForFunction(() => /drained|draining|repair/.test(document.querySelector('[data-testid=node-state]')?.textContent ?? ''));
    expect(await page.getByTestId('node-state').textContent()).toMatch(/drained|draining|repair/);
    await page.screenshot({ path: `${SCREENSHOTS}/node-failed.png` });
  });

  it('the flagship job page charts progress', async () => {
    const id = twin.twin.mix.flagshipId!;
    await page.goto(`${twin.url}/jobs/${id}`);
    await page.waitForFunction(() => Number((document.querySelector('[data-testid=job-points]')?.textContent ?? '').replace(/\D/g, '')) > 5);
    const stepShown = () => page.getByTestId('job-step').textContent().then((t) => Number(t!.split(' ')[0].replace(/\D/g, '')));
    const step1 = await stepShown();
    await page.waitForFunction((s1) => Number((document.querySelector('[data-testid=job-step]')?.textContent ?? '').split(' ')[0].replace(/\D/g, '')) > s1, step1, { timeout: 30_000 });
    expect(await stepShown()).toBeGreaterThan(step1);
    const line = await findColor(page.getByTestId('job-chart').locator('canvas').first(), '#3b82f6', 40);
    expect(line).not.toBeNull();
    await page.screenshot({ path: `${SCREENSHOTS}/job.png` });
  });

  it('cordon from the node page changes the node through the API', async () => {
    const name = twin.twin.fleet.nodes[200].name;
    await page.goto(`${twin.url}/nodes/${name}`);
    await page.getByTestId('cordon').click();
    await page.getByTestId('action-msg').waitFor();
    const res = await fetch(`${twin.url}/api/v1/nodes/${name}`, { headers: { authorization: `Bearer ${twin.adminToken}` } });
    const node = (await res.json()) as { state: string; hold: string | null };
    expect(node.hold).toBe('cordon');
    expect(['draining', 'drained']).toContain(node.state);
    await page.screenshot({ path: `${SCREENSHOTS}/node.png` });
  });

  it('the speed selector steers the twin through the API', async () => {
    await page.goto(`${twin.url}/overview`);
    await page.getByTestId('speed').selectOption('3600');
    await page.waitForFunction(() => (document.querySelector('[data-testid=status]')?.textContent ?? '').includes('3600×'));
    expect(twin.pacer.speed).toBe(3600);
  });

  it('the planner returns a layout', async () => {
    await page.goto(`${twin.url}/planner?model=llama3-8b&gpus=64&gbs=256`);
    await page.getByTestId('planner-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('planner-row').first().textContent()).toMatch(/tp\d+ pp\d+/);
    await page.screenshot({ path: `${SCREENSHOTS}/planner.png` });
  });

  it('the jobs, nodes and reliability pages render', async () => {
    await page.goto(`${twin.url}/jobs`);
    await page.getByTestId('jobs-table').locator('tbody tr').first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/jobs.png` });
    await page.goto(`${twin.url}/nodes?state=drained`);
    await page.getByTestId('nodes-table').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/nodes.png` });
    await page.goto(`${twin.url}/reliability?days=5&runs=8&gpus=2048`);
    await page.waitForFunction(() => (document.querySelector('[data-testid=reliability-progress]')?.textContent ?? '') === 'done', null, { timeout: 60_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/reliability.png` });
  });
});
