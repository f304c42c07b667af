import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killOrphans, recordPids } from './orphans.js';

const tmp = mkdtempSync(join(tmpdir(), 'orphans-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('killOrphans', () => {
  it('SIGKILLs the process groups a previous agent recorded, and forgets them', async () => {
    const child = spawn('sh', ['-c', 'sleep 600 & sleep 600'], { detached: true, stdio: 'ignore' });
    const gone = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    recordPids(tmp, 'job-000007.a2', [child.pid!]);
    recordPids(tmp, 'job-000008.a1', [999_999_999]); // long gone: ignored
    expect(killOrphans(tmp).sort()).toEqual(['job-000007.a2', 'job-000008.a1']);
    expect(await gone).toBe('SIGKILL');
    expect(existsSync(join(tmp, 'attempts', 'job-000007.a2.pids'))).toBe(false);
    expect(killOrphans(tmp)).toEqual([]);
  });
});
