/** Kinds of the twin's discrete events (the `kind` of EventHeap entries; `data` is a node, slot, cause or exit id). */
export const K_TICK = 0;
export const K_FAIL = 1;
export const K_HB = 2;
export const K_REPAIRED = 3;
export const K_STEP = 4;
export const K_ARRIVAL = 5;
export const K_EXIT = 6;
export const K_UNCORDON = 7;
export const K_HB_NOW = 8;
