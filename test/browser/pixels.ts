/** Reads a canvas's pixels in the page and finds cells (uniform squares in palette colours) or a colour. */
import type { Locator } from 'playwright-core';

const PALETTE = ['#5b6577', '#3b82f6', '#14b8a6', '#a5b4fc', '#f59e0b', '#a855f7', '#f97316', '#ef4444', '#991b1b', '#ff2d95'];

/** Counts map cells: top-left corners of uniform cellPx squares in a state colour with background above and left. */
export async function countCells(canvas: Locator): Promise<number> {
  return canvas.evaluate((el, palette) => {
    const c = el as HTMLCanvasElement;
    const px = Number(c.dataset.cellPx);
    const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const rgb = (i: number) => (data[i * 4] << 16) | (data[i * 4 + 1] << 8) | data[i * 4 + 2];
    const colours = new Set(palette.map((h: string) => parseInt(h.slice(1), 16)));
    const bg = rgb(0);
    let n = 0;
    for (let y = 1; y < height - px; y++) {
      for (let x = 1; x < width - px; x++) {
        const v = rgb(y * width + x);
        if (!colours.has(v) || rgb(y * width + x - 1) !== bg || rgb((y - 1) * width + x) !== bg) continue;
        let uniform = true;
        for (let dy = 0; dy < px && uniform; dy++) for (let dx = 0; dx < px; dx++) if (rgb((y + dy) * width + x + dx) !== v) uniform = false;
        if (uniform) n++;
      }
    }
    return n;
  }, PALETTE);
}

/** The first pixel close to `hex` (CSS px within the element), or null. */
export async function findColor(canvas: Locator, hex: string, tolerance = 0): Promise<{ x: number; y: number } | null> {
  return canvas.evaluate(
    (el, [h, tol]) => {
      const c = el as HTMLCanvasElement;
      const want = [parseInt((h as string).slice(1, 3), 16), parseInt((h as string).slice(3, 5), 16), parseInt((h as string).slice(5, 7), 16)];
      const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const r = c.getBoundingClientRect();
      for (let i = 0; i < width * height; i++) {
        if (Math.abs(data[i * 4] - want[0]) <= (tol as number) && Math.abs(data[i * 4 + 1] - want[1]) <= (tol as number) && Math.abs(data[i * 4 + 2] - want[2]) <= (tol as number) && data[i * 4 + 3] > 0) {
          const x = i % width, y = Math.floor(i / width);
          return { x: ((x + 0.5) * r.width) / width, y: ((y + 0.5) * r.height) / height };
        }
      }
      return null;
    },
    [hex, tolerance] as const,
  );
}
