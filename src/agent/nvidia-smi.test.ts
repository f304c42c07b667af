/** nvidia-smi through a fake executable on PATH fed from ./fixtures (a real child process). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BASE_FIELDS, REMAP_FIELDS, nvidiaSmiSource, readNvidiaSmi } from './nvidia-smi.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fake-smi-'));
const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_NVIDIA_SMI')) delete process.env[k];
  process.env.PATH = saved.PATH;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fake(fixture: string, extra: Record<string, string> = {}) {
  process.env.PATH = `${join(fixtures, 'bin')}:${saved.PATH}`;
  process.env.FAKE_NVIDIA_SMI_FIXTURE = join(fixtures, fixture);
  Object.assign(process.env, extra);
}

describe('readNvidiaSmi', () => {
  it('queries the documented fields as CSV without header or units, and parses 8 H100s', async () => {
    const argsFile = join(tmp, 'args-h100');
    fake('h100-8gpu.csv', { FAKE_NVIDIA_SMI_ARGS: argsFile });
    const gpus = await readNvidiaSmi();
    expect(readFileSync(argsFile, 'utf8').trim()).toBe(`--query-gpu=${[...BASE_FIELDS, ...REMAP_FIELDS].join(',')} --format=csv,noheader,nounits`);
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(gpus[4]).toEqual({
      index: 4,
      uuid: 'GPU-0b1c8e2a-5d3f-4a61-9c2e-7f10a3b4c505',
      model: 'NVIDIA H100 80GB HBM3',
      pciBusId: '00000000:9A:00.0',
      temperatureC: 38,
      powerW: 612.5,
      utilizationPct: 98,
      memUsedBytes: 73125 * 1024 * 1024,
      memTotalBytes: 81559 * 1024 * 1024,
      eccVolatileUncorrected: 0,
      eccAggregateUncorrected: 2,
      remappedRowsUncorrectable: 2,
      remappedRowsPending: 1,
      remappedRowsFailed: 0,
    });
  });

  it('turns [N/A] into absent fields', async () => {
    fake('h100-8gpu.csv');
    const g6 = (await readNvidiaSmi())[6];
    expect(g6.temperatureC).toBe(37);
    for (const k of ['powerW', 'eccVolatileUncorrected', 'remappedRowsPending', 'remappedRowsFailed'] as const) expect(g6[k]).toBeUndefined();
  });

  it('falls back to the base fields on a driver without remapped_rows, once', async () => {
    const argsFile = join(tmp, 'args-old');
    fake('v100-old-driver.csv', { FAKE_NVIDIA_SMI_OLD: '1', FAKE_NVIDIA_SMI_ARGS: argsFile });
    const source = nvidiaSmiSource();
    const gpus = await source.read();
    await source.read();
    expect(gpus[0]).toMatchObject({ model: 'Tesla V100-SXM2-32GB', temperatureC: 41, eccVolatileUncorrected: 0 });
    expect(gpus[0].eccAggregateUncorrected).toBeUndefined();
    const calls = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(calls.map((c) => c.includes('remapped_rows'))).toEqual([true, false, false]);
  });

  it('rejects garbled output naming the line', async () => {
    fake('garbled.csv');
    await expect(readNvidiaSmi()).rejects.toThrow(/line 1 is malformed \(not a number: 'hot'\)/);
  });

  it('kills a hung nvidia-smi after the timeout', async () => {
    fake('h100-8gpu.csv', { FAKE_NVIDIA_SMI_SLEEP: '2' });
    await expect(readNvidiaSmi({ timeoutMs: 300 })).rejects.toThrow(/did not answer within 300 ms/);
  });

  it('reports a failing nvidia-smi with its message, and a missing one with a hint', async () => {
    fake('h100-8gpu.csv', { FAKE_NVIDIA_SMI_EXIT: '6' });
    await expect(readNvidiaSmi()).rejects.toThrow(/failed \(exit 6\)/);
    await expect(readNvidiaSmi({ command: join(tmp, 'no-such-nvidia-smi') })).rejects.toThrow(/not found on PATH/);
  });
});
