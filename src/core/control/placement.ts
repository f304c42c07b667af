/**
 * Gang placement, topology-aware and all-or-nothing.
 * A job that fits in one node goes to the node with the least free GPUs that
 * still fits it (best fit, to keep whole nodes free for gangs). A larger job
 * takes whole idle nodes, as few racks as possible, then as few arrays; the
 * nodes come back in rank order, so consecutive ranks share a node and a rack.
 * O(nodes) per gang: 12,500 nodes place in milliseconds.
 */

/** A schedulable node's capacity. Unlabelled nodes use '' for rack/array. */
export interface NodeCap {
  name: string;
  rack: string;
  array: string;
  totalGpus: number;
  freeGpus: number;
}

/** Nodes in rank order and GPUs used on each. */
export type Placement = { name: string; gpus: number }[];

/** Places `gpus` on the candidates; null when it does not fit now. */
export function placeJob(candidates: readonly NodeCap[], gpus: number): Placement | null {
  let maxTotal = 0;
  for (const c of candidates) maxTotal = Math.max(maxTotal, c.totalGpus);
  if (gpus <= maxTotal) {
    const single = bestFitNode(candidates, gpus);
    return single ? [{ name: single.name, gpus }] : null;
  }
  return placeGang(candidates.filter((c) => c.freeGpus === c.totalGpus && c.totalGpus > 0), gpus);
}

/** The node with the fewest free GPUs that still holds `gpus` (ties: name). */
export function bestFitNode(candidates: readonly NodeCap[], gpus: number): NodeCap | null {
  let best: NodeCap | null = null;
  for (const c of candidates) {
    if (c.freeGpus < gpus) continue;
    if (!best || c.freeGpus < best.freeGpus || (c.freeGpus === best.freeGpus && c.name < best.name)) best = c;
  }
  return best;
}

/** Whole idle nodes for a multi-node gang; tries the largest node size first. */
export function placeGang(idleNodes: readonly NodeCap[], gpus: number): Placement | null {
  const sizes = [...new Set(idleNodes.map((n) => n.totalGpus))].sort((a, b) => b - a);
  for (const size of sizes) {
    const need = Math.ceil(gpus / size);
    const picked = pickTopology(idleNodes.filter((n) => n.totalGpus === size), need);
    if (!picked) continue;
    let left = gpus;
    return picked.map((n) => {
      const g = Math.min(size, left);
      left -= g;
      return { name: n.name, gpus: g };
    });
  }
  return null;
}

interface Group {
  key: string;
  nodes: NodeCap[];
}
interface ArrayGroup {
  key: string;
  racks: Group[];
  count: number;
}

/** `need` nodes in as few racks, then arrays, as possible; null when there are fewer. */
export function pickTopology(nodes: readonly NodeCap[], need: number): NodeCap[] | null {
  if (need <= 0 || nodes.length < need) return need <= 0 ? [] : null;
  const arrays = groupByTopology(nodes);
  const racks = arrays.flatMap((a) => a.racks);
  const fitRack = racks.filter((r) => r.nodes.length >= need).sort((a, b) => a.nodes.length - b.nodes.length)[0];
  if (fitRack) return fitRack.nodes.slice(0, need);
  const taken: NodeCap[] = [];
  const byCount = [...arrays].sort((a, b) => b.count - a.count || cmp(a.key, b.key));
  while (taken.length < need) {
    const left = need - taken.length;
    const fit = byCount.filter((a) => a.count >= left).sort((a, b) => racksNeeded(a, left) - racksNeeded(b, left) || a.count - b.count)[0];
    if (fit) return taken.concat(takeRacks(fit, left));
    const largest = byCount.shift();
    if (!largest) return null;
    for (const n of takeRacks(largest, largest.count)) taken.push(n);
  }
  return taken;
}

function groupByTopology(nodes: readonly NodeCap[]): ArrayGroup[] {
  const arrays = new Map<string, Map<string, NodeCap[]>>();
  for (const n of nodes) {
    let racks = arrays.get(n.array);
    if (!racks) arrays.set(n.array, (racks = new Map()));
    const list = racks.get(n.rack);
    if (list) list.push(n);
    else racks.set(n.rack, [n]);
  }
  return [...arrays].map(([key, racks]) => {
    const groups = [...racks].map(([k, list]) => ({ key: k, nodes: list.sort((a, b) => cmp(a.name, b.name)) }));
    return { key, racks: groups, count: groups.reduce((s, g) => s + g.nodes.length, 0) };
  });
}

/** Racks of the array, fullest first, until `need` nodes. */
function takeRacks(array: ArrayGroup, need: number): NodeCap[] {
  const racks = [...array.racks].sort((a, b) => b.nodes.length - a.nodes.length || cmp(a.key, b.key));
  const out: NodeCap[] = [];
  for (const r of racks) {
    if (out.length >= need) break;
    for (const n of r.nodes.slice(0, need - out.length)) out.push(n);
  }
  return out;
}

function racksNeeded(array: ArrayGroup, need: number): number {
  const counts = array.racks.map((r) => r.nodes.length).sort((a, b) => b - a);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    sum += counts[i];
    if (sum >= need) return i + 1;
  }
  return Infinity;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
