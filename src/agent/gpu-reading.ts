/**
 * What the agent knows about one GPU at one moment, from nvidia-smi or the
 * simulator. Units in names; fields a GPU or driver does not report are absent.
 */
export interface GpuReading {
  /** nvidia-smi index, 0-based. */
  index: number;
  uuid: string;
  /** Product name, e.g. "NVIDIA H100 80GB HBM3". */
  model: string;
  /** PCI bus id as nvidia-smi prints it ("00000000:18:00.0"); matches XID kernel-log lines. */
  pciBusId?: string;
  temperatureC?: number;
  powerW?: number;
  utilizationPct?: number;
  memUsedBytes?: number;
  memTotalBytes?: number;
  /** Uncorrectable ECC errors since the last driver load / over the GPU's life. */
  eccVolatileUncorrected?: number;
  eccAggregateUncorrected?: number;
  /** Row remapping (A100 and later): rows remapped for uncorrectable errors, remaps pending a GPU reset, failed remaps (0/1). */
  remappedRowsUncorrectable?: number;
  remappedRowsPending?: number;
  remappedRowsFailed?: number;
}

/** A source of GPU readings: real (nvidia-smi) or simulated. */
export interface GpuSource {
  readonly kind: 'nvidia-smi' | 'simulated';
  read(): Promise<GpuReading[]>;
}
