/**
 * NVIDIA XID error codes → what the control plane should do about them.
 *
 * Source: NVIDIA, "XID Errors" (docs.nvidia.com/deploy/xid-errors/), the catalogue
 * table of XID → description and possible causes (HW error, driver error, user
 * application error, bus error, thermal, FB corruption), and its notes on the ECC /
 * row-remapping XIDs (48, 63, 64, 92, 94, 95) and the GSP XIDs (119, 120). Codes are
 * classified by the cause the catalogue lists first for data-centre GPUs:
 *  - critical: the hardware (or its firmware) is at fault, or the catalogue says the
 *    GPU needs a reset/replacement → drain the node (jobs recover elsewhere);
 *  - application: the catalogue names a user-application error as a cause → the
 *    attempt fails and may restart; the node stays in the pool;
 *  - info: display/video engines or informational events a training job does not use.
 * An XID this table does not know is reported as info with `known: false`, so an
 * operator sees it without a node being drained on a guess.
 */

export type XidSeverity = 'critical' | 'application' | 'info';
/** drain: no new work, running attempts stop and recover elsewhere; restart-workload: the attempt fails, the node stays; none. */
export type XidAction = 'drain' | 'restart-workload' | 'none';

export interface XidClass {
  code: number;
  severity: XidSeverity;
  action: XidAction;
  description: string;
  /** false when the code is not in this catalogue. */
  known: boolean;
}

type Entry = [XidSeverity, string];

const CRITICAL = (d: string): Entry => ['critical', d];
const APP = (d: string): Entry => ['application', d];
const INFO = (d: string): Entry => ['info', d];

/** The catalogue, by code (descriptions as NVIDIA words them, causes in the comments). */
const CATALOGUE: Record<number, Entry> = {
  8: APP('GPU stopped processing'), // driver error, user app error
  13: APP('Graphics Engine Exception'), // user app error first (out-of-range access, illegal instruction)
  31: APP('GPU memory page fault'), // user app error (illegal address), driver error
  32: APP('Invalid or corrupted push buffer stream'), // driver, bus, user app error
  38: CRITICAL('Driver firmware error'), // driver/firmware; reload needed
  43: APP('GPU stopped processing'), // user app error: the channel faulted and was reset
  44: APP('Graphics Engine fault during context switch'), // driver, user app error
  45: APP('Preemptive cleanup, due to previous errors'), // app killed (often after another XID)
  46: APP('GPU stopped processing'), // driver error
  48: CRITICAL('Double Bit ECC Error'), // HW error: uncorrectable DRAM error
  54: CRITICAL('Auxiliary power is not connected to the GPU board'), // HW error
  56: INFO('Display Engine error'), // display, not used by compute
  57: CRITICAL('Error programming video memory interface'), // HW error
  58: CRITICAL('Unstable video memory interface detected'), // HW error
  61: INFO('Internal micro-controller breakpoint/warning'), // driver/firmware warning
  62: CRITICAL('Internal micro-controller halt'), // HW/firmware: GPU reset required
  63: CRITICAL('ECC page retirement or row remapping recording event'), // row remap pending: reset the GPU to apply it
  64: CRITICAL('ECC page retirement or row remapper recording failure'), // HW: remap failed, RMA candidate
  68: APP('NVDEC0 Exception'), // video decoder: user app error, driver error
  69: APP('Graphics Engine class error'), // user app error, driver error
  74: CRITICAL('NVLINK Error'), // HW error on an NVLink (link down / training failure)
  79: CRITICAL('GPU has fallen off the bus'), // HW, bus, thermal: the GPU is unreachable
  80: CRITICAL('Corrupted data sent to GPU'), // bus / HW error
  92: CRITICAL('High single-bit ECC error rate'), // HW error: memory degrading
  93: CRITICAL('Non-fatal violation of provisioned InfoROM wear limit'), // HW: InfoROM worn, schedule service
  94: CRITICAL('Contained ECC error'), // HW: affected apps killed; GPU needs a reset
  95: CRITICAL('Uncontained ECC error'), // HW: all apps on the GPU affected; GPU reset required
  109: APP('Context Switch Timeout Error'), // user app error, driver error
  110: CRITICAL('Security Fault Error'), // HW/firmware
  119: CRITICAL('GSP RPC Timeout'), // GSP firmware unresponsive: GPU reset required
  120: CRITICAL('GSP Error'), // GSP firmware error: GPU reset required
  121: CRITICAL('C2C Link Error'), // chip-to-chip (Grace-Hopper/Blackwell) link error
  122: CRITICAL('SPI PMU RPC Read Failure'), // HW/firmware
  123: CRITICAL('SPI PMU RPC Write Failure'), // HW/firmware
  124: CRITICAL('SPI PMU RPC Erase Failure'), // HW/firmware
  125: CRITICAL('Inforom FS Failure'), // HW/firmware
  140: CRITICAL('Unrecovered ECC Error'), // HW: uncorrectable memory error not recovered
  143: CRITICAL('GPU Initialization Failure'), // HW/firmware
  154: CRITICAL('GPU Recovery Action Changed'), // driver says a GPU reset or node reboot is required
};

// Display-engine XIDs (111–118) and the video/copy engines a training job does not use.
for (const code of [111, 112, 113, 114, 115, 116, 117, 118]) CATALOGUE[code] = INFO('Display engine error');
for (const code of [16, 19]) CATALOGUE[code] = INFO('Display engine error');

const ACTION: Record<XidSeverity, XidAction> = { critical: 'drain', application: 'restart-workload', info: 'none' };

/** Classifies one XID code. */
export function classifyXid(code: number): XidClass {
  const entry = Number.isInteger(code) ? CATALOGUE[code] : undefined;
  if (!entry) {
    return { code, severity: 'info', action: 'none', known: false, description: `XID ${code} is not in this catalogue (see NVIDIA's XID Errors document)` };
  }
  const [severity, description] = entry;
  return { code, severity, action: ACTION[severity], description, known: true };
}

/** True when the XID means the node must leave the pool. */
export const isCriticalXid = (code: number): boolean => classifyXid(code).severity === 'critical';

/** Every code this catalogue knows, ascending. */
export const knownXidCodes = (): number[] =>
  Object.keys(CATALOGUE)
    .map(Number)
    .sort((a, b) => a - b);
