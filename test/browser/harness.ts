/**
 * Browser-test harness: builds the dashboard when web/dist is missing, starts a
 * small twin on loopback (in this process), and launches Debian's Chromium with
 * playwright-core. Without /usr/bin/chromium the tests skip with a plain
 * message, unless CI=true (then they fail).
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { clusterByName } from '../../src/core/cluster/catalog.js';
import { getModelPreset } from '../../src/core/model/catalog.js';
import { failurePreset } from '../../src/core/reliability/presets.js';
import { startTwin, type RunningTwin } from '../../src/twin/runtime.js';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = 'artifacts/screenshots';

export function chromiumMissingMessage(): string {
  return `browser tests skipped: ${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium)`;
}

/** Newest modification time (ms) of the files under `dir`. */
function newestMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than a file of web/src (a stale build would test old pages). */
export function ensureWebBuilt(): void {
  if (existsSync('web/dist/index.html') && statSync('web/dist/index.html').mtimeMs >= newestMs('web/src')) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A 2,048-GPU partition of Colossus at a high virtual speed. */
export async function startSmallTwin(speed = 1200): Promise<RunningTwin> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return startTwin({
    cluster: clusterByName('colossus-100k', 2048), model: getModelPreset('grok-1'), failures: failurePreset('llama3-h100'),
    seed: 7, speed, host: '127.0.0.1', port: 0, startMs: Date.UTC(2026, 0, 1), env: {},
  });
}
