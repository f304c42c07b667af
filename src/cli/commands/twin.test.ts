import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

describe('colossus twin: bad input', () => {
  it('rejects a GPU count that is not whole nodes, naming the flag', async () => {
    const r = await runCli(['twin', '--gpus', '100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gpus/);
    expect(r.stderr).toMatch(/whole nodes/);
  });

  it('refuses a data dir that already holds a control-plane database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-cli-'));
    writeFileSync(join(dir, 'colossus.db'), '');
    const r = await runCli(['twin', '--gpus', '512', '--data-dir', dir, '--port', '0']);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--data-dir/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects an unknown model and a negative speed', async () => {
    const m = await runCli(['twin', '--model', 'grok-9']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/grok-1/);
    const s = await runCli(['twin', '--speed', '-5']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--speed/);
  });
});
