// Map frame time for every GPU of colossus-100k (100,000 cells) in headless Chromium.
// Starts a twin (speed 600) from source, opens /map in Debian's Chromium, and times
// repaints of all cells (paint into ImageData + putImageData), then whole frames
// (repaint inside requestAnimationFrame until the next frame).
//   MAP_CLUSTER=colossus-200k node --import tsx bench/map.bench.mjs
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { clusterByName } from '../src/core/cluster/catalog.js';
import { getModelPreset } from '../src/core/model/catalog.js';
import { failurePreset } from '../src/core/reliability/presets.js';
import { startTwin } from '../src/twin/runtime.js';

if (!existsSync('/usr/bin/chromium')) {
  console.log('map bench skipped: /usr/bin/chromium not found (apt-get install -y chromium)');
  process.exit(0);
}
if (!existsSync('web/dist/index.html')) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
const clusterName = process.env.MAP_CLUSTER ?? 'colossus-100k';
const twin = await startTwin({ cluster: clusterByName(clusterName), model: getModelPreset('grok-1'), failures: failurePreset('llama3-h100'), seed: 1, speed: 600, host: '127.0.0.1', port: 0, env: {} });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
await page.goto(`${twin.url}/map`);
await page.waitForFunction(() => typeof window.__colossusMapRepaint === 'function', null, { timeout: 60_000 });
const result = await page.evaluate(async () => {
  const paints = [];
  for (let i = 0; i < 30; i++) paints.push(window.__colossusMapRepaint());
  const frames = [];
  for (let i = 0; i < 30; i++) {
    frames.push(await new Promise((resolve) => requestAnimationFrame((t0) => { window.__colossusMapRepaint(); requestAnimationFrame((t1) => resolve(t1 - t0)); })));
  }
  const c = document.querySelector('canvas[data-testid=map]');
  const q = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
  return { cells: Number(c.dataset.cells), canvas: `${c.width}×${c.height}`, cellPx: Number(c.dataset.cellPx), paintMedianMs: q(paints, 0.5), paintP95Ms: q(paints, 0.95), frameMedianMs: q(frames, 0.5), frameP95Ms: q(frames, 0.95) };
});
await browser.close();
await twin.stop();
const r = (x) => +x.toFixed(2);
console.log(`map ${clusterName}: ${result.cells} cells on a ${result.canvas} canvas (${result.cellPx}-px cells): repaint median ${r(result.paintMedianMs)} ms, p95 ${r(result.paintP95Ms)} ms; frame (repaint → next frame) median ${r(result.frameMedianMs)} ms, p95 ${r(result.frameP95Ms)} ms (target < 50 ms)`);
console.log(JSON.stringify({ cluster: clusterName, ...result }));
