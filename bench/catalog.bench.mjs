// Catalog lookups: resolving the largest preset and enumerating every node's location.
import { clusterByName } from '../src/core/cluster/catalog.ts';
import { nodeLocation } from '../src/core/cluster/topology.ts';

const t0 = performance.now();
const c = clusterByName('colossus-200k');
const t1 = performance.now();
let racks = 0;
for (let i = 0; i < c.nodes; i++) racks = Math.max(racks, nodeLocation(c, i).indices.rack);
const t2 = performance.now();
console.log(`resolve colossus-200k: ${(t1 - t0).toFixed(2)} ms`);
console.log(`locate all ${c.nodes} nodes (${racks + 1} racks): ${(t2 - t1).toFixed(1)} ms, ${((c.nodes / (t2 - t1)) * 1000).toFixed(0)} nodes/s`);
