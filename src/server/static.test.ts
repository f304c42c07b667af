import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerStatic } from './static.js';

const dir = mkdtempSync(join(tmpdir(), 'web-dist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dashboard files (@fastify/static)', () => {
  it('serves hashed assets with their types and immutable caching, index.html for every page, 404 outside', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>c</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
    const app = Fastify();
    await registerStatic(app, dir);
    const js = await app.inject({ url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(js.headers['cache-control']).toMatch(/immutable/);
    expect((await app.inject({ url: '/assets/index-abc123.css' })).headers['content-type']).toMatch(/^text\/css/);
    for (const page of ['/', '/jobs/job-000001', '/nodes?state=idle', '/reliability']) {
      const res = await app.inject({ url: page });
      expect(res.statusCode, page).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    expect((await app.inject({ url: '/assets/../index.html' })).statusCode).not.toBe(200);
    expect((await app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
    await app.close();
  });
});
