import { describe, expect, it } from 'vitest';
import { isColossusError } from '../errors.js';
import { clusterOfNodes, nodeTypeForGpuModel } from './inventory.js';

describe('the cluster the nodes form', () => {
  it('maps the GPU names agents report to node-type presets (gb200 is not b200)', () => {
    expect(nodeTypeForGpuModel('NVIDIA H100 80GB HBM3')).toBe('dgx-h100');
    expect(nodeTypeForGpuModel('NVIDIA H100-SXM5-80GB (simulated)')).toBe('dgx-h100');
    expect(nodeTypeForGpuModel('NVIDIA H200')).toBe('dgx-h200');
    expect(nodeTypeForGpuModel('NVIDIA A100-SXM4-80GB')).toBe('dgx-a100');
    expect(nodeTypeForGpuModel('NVIDIA GB200')).toBe('gb200-nvl72');
    expect(nodeTypeForGpuModel('NVIDIA B200')).toBe('dgx-b200');
    expect(nodeTypeForGpuModel('AMD Instinct MI300X')).toBeNull();
  });

  it('resolves the preset to the job\'s GPUs, with the nodes\' own GPU count and NVLink domain', () => {
    const eight = clusterOfNodes({ gpuModel: 'NVIDIA H100 80GB HBM3', gpusPerNode: 8 }, 16);
    expect(eight).toMatchObject({ preset: 'dgx-h100', cluster: { gpus: 16, nodes: 2, gpusPerNode: 8, nvlinkDomainGpus: 8 } });
    expect(eight.cluster.gpu.id).toBe('H100-SXM5-80GB');
    const four = clusterOfNodes({ gpuModel: 'NVIDIA H100 80GB HBM3', gpusPerNode: 4 }, 8);
    expect(four.cluster).toMatchObject({ gpus: 8, nodes: 2, gpusPerNode: 4, nvlinkDomainGpus: 4 });
    expect(clusterOfNodes({ gpuModel: 'NVIDIA H100 80GB HBM3', gpusPerNode: 8 }, 2).cluster).toMatchObject({ gpus: 2, nodes: 1 });
  });

  it('says what to do when no preset matches or the GPUs are not whole nodes', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isColossusError(e) ? { code: e.code, where: e.where, hint: e.hint, message: e.message } : e;
      }
      throw new Error('no error');
    };
    expect(err(() => clusterOfNodes({ gpuModel: 'AMD Instinct MI300X', gpusPerNode: 8 }, 8))).toMatchObject({ code: 'usage', hint: expect.stringContaining('--cluster') });
    expect(err(() => clusterOfNodes({ gpuModel: 'NVIDIA H100', gpusPerNode: 8 }, 12))).toMatchObject({ code: 'invalid', where: '--gpus', message: expect.stringContaining('whole nodes') });
  });
});
