import { describe, expect, it } from 'vitest';
import { heartbeatRequestSchema, registerRequestSchema, attemptReportSchema, submitJobSchema, ROUTES, LIMITS } from './index.js';

describe('protocol schemas', () => {
  it('accept a well-formed register, heartbeat and report', () => {
    const reg = registerRequestSchema.parse({ name: 'node-001', gpus: [{ index: 0, uuid: 'GPU-1', model: 'NVIDIA H100' }], topology: { rack: 'r1' } });
    expect(reg.attempts).toEqual([]);
    const hb = heartbeatRequestSchema.parse({ seq: 3, attempts: [{ attemptId: 'job-000001.a1', state: 'running' }], telemetry: { xids: [{ code: 79, gpuIndex: 2 }] } });
    expect(hb.telemetry?.xids?.[0].code).toBe(79);
    const rep = attemptReportSchema.parse({ events: [{ type: 'exited', exitCode: 93 }] });
    expect(rep.events[0]).toEqual({ type: 'exited', exitCode: 93, signal: null });
  });

  it('reject unknown fields, wrong types and absurd sizes', () => {
    expect(registerRequestSchema.safeParse({ name: 'n1', gpus: [], extra: 1 }).success).toBe(false);
    expect(heartbeatRequestSchema.safeParse({ seq: '1' }).success).toBe(false);
    const job = { name: 'j', gpus: 8, command: ['true'] };
    expect(submitJobSchema.safeParse(job).success).toBe(true);
    expect(submitJobSchema.safeParse({ ...job, gpus: 1e9 }).success).toBe(false);
    expect(submitJobSchema.safeParse({ ...job, name: 'x'.repeat(10_000) }).success).toBe(false);
    expect(submitJobSchema.safeParse({ ...job, name: 'bad name' }).success).toBe(false);
    expect(LIMITS.jobGpus).toBeLessThan(1e9);
  });

  it('route table paths are unique per method', () => {
    const keys = Object.values(ROUTES).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
