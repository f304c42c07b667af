/**
 * Reads GPUs with `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` under a
 * timeout and validates every row with a zod schema (a trust boundary: the driver's
 * text). Values nvidia-smi cannot give ("[N/A]", "[Not Supported]", "[Unknown Error]",
 * …) become absent fields. Drivers older than the row-remapping fields (R460) reject
 * them as "not a valid field to query"; the agent then asks again without them.
 */
import { execFile } from 'node:child_process';
import { z } from 'zod';
import { ColossusError } from '../core/errors.js';
import type { GpuReading, GpuSource } from './gpu-reading.js';

const MIB = 1024 * 1024;

/** Fields read, in order (names as `nvidia-smi --help-query-gpu` lists them). */
export const BASE_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'temperature.gpu', // °C
  'power.draw', // W
  'utilization.gpu', // %
  'memory.used', // MiB
  'memory.total', // MiB
  'ecc.errors.uncorrected.volatile.total',
  'ecc.errors.uncorrected.aggregate.total',
] as const;
export const REMAP_FIELDS = ['remapped_rows.uncorrectable', 'remapped_rows.pending', 'remapped_rows.failure'] as const;

/** "[N/A]", "N/A", "[Not Supported]", "[Unknown Error]", "[GPU requires reset]" … → undefined. */
const missing = (s: string) => s === '' || /^\[.*\]$/.test(s) || /^n\/a$/i.test(s);

const optNumber = z.string().transform((s, ctx) => {
  if (missing(s)) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) ctx.addIssue({ code: 'custom', message: `not a number: '${s}'` });
  return v;
});
const optCount = optNumber.refine((v) => v === undefined || (Number.isInteger(v) && v >= 0), 'not a count');
/** remapped_rows.pending/failure print "Yes"/"No" on some drivers and 0/1 on others. */
const optFlag = z.string().transform((s, ctx) => {
  if (missing(s)) return undefined;
  if (/^(yes|no)$/i.test(s)) return /^yes$/i.test(s) ? 1 : 0;
  const v = Number(s);
  if (!Number.isInteger(v) || v < 0) ctx.addIssue({ code: 'custom', message: `not Yes/No or a count: '${s}'` });
  return v;
});

const baseRow = z.tuple([
  z.string().regex(/^\d+$/, 'GPU index').transform(Number),
  z.string().min(1, 'GPU UUID'),
  z.string().min(1, 'GPU name'),
  z.string().transform((s) => (missing(s) ? undefined : s)),
  optNumber,
  optNumber,
  optNumber,
  optNumber,
  optNumber,
  optCount,
  optCount,
]);
const remapRow = z.tuple([optCount, optFlag, optFlag]);

/** Parses nvidia-smi's CSV (no header, no units); throws a failure naming the bad line. */
export function parseNvidiaSmiCsv(text: string, withRemap: boolean): GpuReading[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const want = BASE_FIELDS.length + (withRemap ? REMAP_FIELDS.length : 0);
    if (cells.length !== want) {
      throw new ColossusError('failure', `nvidia-smi output line ${i + 1} has ${cells.length} fields, expected ${want}: '${line.slice(0, 200)}'`);
    }
    const base = baseRow.safeParse(cells.slice(0, BASE_FIELDS.length));
    const remap = withRemap ? remapRow.safeParse(cells.slice(BASE_FIELDS.length)) : undefined;
    const bad = !base.success ? base.error : remap && !remap.success ? remap.error : undefined;
    if (bad || !base.success) {
      throw new ColossusError('failure', `nvidia-smi output line ${i + 1} is malformed (${bad?.issues[0]?.message}): '${line.slice(0, 200)}'`);
    }
    const [index, uuid, model, pciBusId, temperatureC, powerW, utilizationPct, memUsedMib, memTotalMib, eccV, eccA] = base.data;
    const [remappedRowsUncorrectable, remappedRowsPending, remappedRowsFailed] = remap?.success ? remap.data : [];
    return dropUndefined({
      index, uuid, model, pciBusId, temperatureC, powerW, utilizationPct,
      memUsedBytes: memUsedMib === undefined ? undefined : memUsedMib * MIB,
      memTotalBytes: memTotalMib === undefined ? undefined : memTotalMib * MIB,
      eccVolatileUncorrected: eccV, eccAggregateUncorrected: eccA,
      remappedRowsUncorrectable, remappedRowsPending, remappedRowsFailed,
    });
  });
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export interface NvidiaSmiOptions {
  /** Executable; default "nvidia-smi" resolved on PATH. */
  command?: string;
  /** Kill nvidia-smi after this long, ms. Default 5 000 (a hung driver must not hang the agent). */
  timeoutMs?: number;
}

function run(command: string, fields: readonly string[], timeoutMs: number): Promise<string> {
  const args = [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * MIB }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
      if (e.code === 'ENOENT') {
        return reject(new ColossusError('failure', `${command} not found on PATH`, { hint: 'install the NVIDIA driver, or run the agent with --simulate-gpus N' }));
      }
      if (e.killed) return reject(new ColossusError('failure', `${command} did not answer within ${timeoutMs} ms (driver hung?)`));
      const text = `${stderr}${stdout}`.trim().slice(0, 500);
      reject(Object.assign(new ColossusError('failure', `${command} failed (exit ${String(e.code)}): ${text}`), { invalidField: /not a valid field/i.test(text) }));
    });
  });
}

async function readOnce(options: NvidiaSmiOptions, withRemap: boolean): Promise<GpuReading[]> {
  const fields = withRemap ? [...BASE_FIELDS, ...REMAP_FIELDS] : BASE_FIELDS;
  return parseNvidiaSmiCsv(await run(options.command ?? 'nvidia-smi', fields, options.timeoutMs ?? 5_000), withRemap);
}

/** A GpuSource over nvidia-smi; remembers when the driver lacks the row-remapping fields. */
export function nvidiaSmiSource(options: NvidiaSmiOptions = {}): GpuSource {
  let withRemap = true;
  return {
    kind: 'nvidia-smi',
    async read() {
      if (withRemap) {
        try {
          return await readOnce(options, true);
        } catch (e) {
          if (!(e as { invalidField?: boolean }).invalidField) throw e;
          withRemap = false;
        }
      }
      return readOnce(options, false);
    },
  };
}

/** Runs nvidia-smi once and returns one reading per GPU. */
export const readNvidiaSmi = (options: NvidiaSmiOptions = {}): Promise<GpuReading[]> => nvidiaSmiSource(options).read();
