/**
 * Parses the kernel log lines the NVIDIA driver writes for an XID, e.g.
 *   `NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.`
 * (format shown in NVIDIA's "XID Errors" document). Pure: the agent reads the log.
 */

export interface XidLogEvent {
  code: number;
  /** PCI bus id as printed by the driver, lower-case (e.g. "0000:3b:00"). */
  pciBusId: string;
  /** The rest of the line after the code. */
  message: string;
}

const XID_RE = /NVRM: Xid \(PCI:([0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(?:\.[0-9a-fA-F])?)\): (\d{1,6})(?:, (.*))?$/;

/** One XID event per matching line; other lines give undefined. */
export function parseXidLogLine(line: string): XidLogEvent | undefined {
  const m = XID_RE.exec(line.trimEnd());
  if (!m) return undefined;
  return { pciBusId: m[1].toLowerCase(), code: Number(m[2]), message: (m[3] ?? '').slice(0, 1024) };
}

/**
 * nvidia-smi prints bus ids as "00000000:3B:00.0"; the driver log as "0000:3b:00".
 * Both normalise to domain(4 hex):bus:device, lower-case, so they can be matched.
 */
export function normalisePciBusId(id: string): string {
  const m = /^([0-9a-fA-F]+):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})/.exec(id.trim());
  if (!m) return id.trim().toLowerCase();
  const domain = m[1].slice(-4).padStart(4, '0');
  return `${domain}:${m[2]}:${m[3]}`.toLowerCase();
}
