/**
 * Where every GPU sits on the map: hall → array → rack → node → GPU. A node is a
 * small block of cells, nodes stack into a rack column, racks sit side by side in
 * an array, arrays wrap in rows inside a hall, halls stack vertically. Every cell
 * is `cellPx` square with at least one background pixel around it, so cells can
 * be counted from the pixels. `hit` maps a canvas pixel to its GPU (or −1).
 */
import type { Layout } from '../lib/types';

export interface MapGeometry {
  width: number;
  height: number;
  cellPx: number;
  /** x, y of each GPU's cell (top-left), pixels. */
  x: Int32Array;
  y: Int32Array;
  /** Pixel → GPU index, −1 for background. */
  hit: Int32Array;
  halls: { label: string; x: number; y: number }[];
}

const NODE_GAP = 1;
const RACK_GAP = 2;
const ARRAY_GAP = 5;
const HALL_GAP = 22;
const HALL_LABEL = 14;

interface Dims {
  nodeCols: number;
  nodeRows: number;
  rackW: number;
  rackH: number;
  arrayW: number;
  arrayH: number;
}

function dims(l: Layout, pitch: number): Dims {
  const nodeCols = Math.ceil(Math.sqrt(l.gpusPerNode * 2));
  const nodeRows = Math.ceil(l.gpusPerNode / nodeCols);
  const nodeH = nodeRows * pitch;
  const rackW = nodeCols * pitch;
  const rackH = l.nodesPerRack * (nodeH + NODE_GAP) - NODE_GAP;
  const arrayW = l.racksPerArray * (rackW + RACK_GAP) - RACK_GAP;
  return { nodeCols, nodeRows, rackW, rackH, arrayW, arrayH: rackH };
}

function hallsOf(l: Layout): number {
  const nodesPerHall = l.nodesPerRack * l.racksPerArray * l.arraysPerHall;
  return Math.max(1, Math.ceil(l.nodes / nodesPerHall));
}

/** Arrays actually present per hall (the last hall may be partial). */
function arraysIn(l: Layout, hall: number): number {
  const nodesPerArray = l.nodesPerRack * l.racksPerArray;
  const totalArrays = Math.ceil(l.nodes / nodesPerArray);
  return Math.max(0, Math.min(l.arraysPerHall, totalArrays - hall * l.arraysPerHall));
}

export function computeGeometry(l: Layout, maxWidth: number, maxCellPx = 6): MapGeometry {
  const width = Math.max(200, Math.floor(maxWidth));
  // Cells start one pixel in from the left edge, so every cell has background on all sides.
  // Largest cell that still fits the width with a sensible height: try big to small.
  let pitch = maxCellPx + 1;
  for (; pitch > 2; pitch--) {
    const d = dims(l, pitch);
    const perRow = Math.max(1, Math.floor((width + ARRAY_GAP) / (d.arrayW + ARRAY_GAP)));
    let h = 0;
    for (let hall = 0; hall < hallsOf(l); hall++) h += HALL_LABEL + Math.ceil(arraysIn(l, hall) / perRow) * (d.arrayH + ARRAY_GAP) + HALL_GAP;
    if (d.arrayW <= width && h <= Math.max(700, width * 0.75)) break;
  }
  const d = dims(l, pitch);
  const cellPx = pitch - 1;
  const perRow = Math.max(1, Math.floor((width - 2 + ARRAY_GAP) / (d.arrayW + ARRAY_GAP)));
  const x = new Int32Array(l.gpus);
  const y = new Int32Array(l.gpus);
  const halls: MapGeometry['halls'] = [];
  const nodesPerArray = l.nodesPerRack * l.racksPerArray;
  const nodesPerHall = nodesPerArray * l.arraysPerHall;
  let hallY = 0;
  let lastHall = -1;
  const hallTop: number[] = [];
  for (let hall = 0; hall < hallsOf(l); hall++) {
    hallTop.push(hallY + HALL_LABEL);
    halls.push({ label: `hall ${hall}`, x: 0, y: hallY + 10 });
    hallY += HALL_LABEL + Math.ceil(arraysIn(l, hall) / perRow) * (d.arrayH + ARRAY_GAP) + HALL_GAP;
  }
  for (let node = 0; node < l.nodes; node++) {
    const hall = Math.floor(node / nodesPerHall);
    const inHall = node - hall * nodesPerHall;
    const array = Math.floor(inHall / nodesPerArray);
    const inArray = inHall - array * nodesPerArray;
    const rack = Math.floor(inArray / l.nodesPerRack);
    const inRack = inArray - rack * l.nodesPerRack;
    if (hall !== lastHall) lastHall = hall;
    const ax = 1 + (array % perRow) * (d.arrayW + ARRAY_GAP);
    const ay = hallTop[hall] + Math.floor(array / perRow) * (d.arrayH + ARRAY_GAP);
    const nx = ax + rack * (d.rackW + RACK_GAP);
    const ny = ay + inRack * (d.nodeRows * pitch + NODE_GAP);
    for (let g = 0; g < l.gpusPerNode; g++) {
      const i = node * l.gpusPerNode + g;
      x[i] = nx + (g % d.nodeCols) * pitch;
      y[i] = ny + Math.floor(g / d.nodeCols) * pitch;
    }
  }
  const height = Math.max(1, hallY - HALL_GAP + 2);
  const hit = new Int32Array(width * height).fill(-1);
  for (let i = 0; i < l.gpus; i++) {
    for (let dy = 0; dy < cellPx; dy++) {
      const row = (y[i] + dy) * width + x[i];
      for (let dx = 0; dx < cellPx; dx++) hit[row + dx] = i;
    }
  }
  return { width, height, cellPx, x, y, hit, halls };
}
