/**
 * Paints every GPU cell straight into an ImageData buffer (no per-GPU DOM, no
 * per-GPU React state): one 32-bit write per pixel from a colour lookup table.
 */
import type { MapGeometry } from './geometry';

/** Colour table: 256 entries of 0xAABBGGRR (little-endian RGBA). */
export type Lut = Uint32Array;

export function makeLut(colorOf: (value: number) => [number, number, number]): Lut {
  const lut = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    const [r, g, b] = colorOf(v);
    lut[v] = (255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r);
  }
  return lut;
}

export interface Painter {
  image: ImageData;
  pixels: Uint32Array;
  background: number;
}

export function makePainter(ctx: CanvasRenderingContext2D, geo: MapGeometry, background: [number, number, number]): Painter {
  const image = ctx.createImageData(geo.width, geo.height);
  const pixels = new Uint32Array(image.data.buffer);
  const bg = (255 << 24) | (background[2] << 16) | (background[1] << 8) | background[0];
  pixels.fill(bg);
  return { image, pixels, background: bg };
}

/** Draws all cells with `values` through `lut`; highlights one GPU's node when given. Returns ms spent. */
export function paint(ctx: CanvasRenderingContext2D, geo: MapGeometry, p: Painter, values: Uint8Array, lut: Lut, labelColor = '#8b949e'): number {
  const t0 = performance.now();
  const { pixels } = p;
  const w = geo.width;
  const c = geo.cellPx;
  const n = Math.min(values.length, geo.x.length);
  for (let i = 0; i < n; i++) {
    const color = lut[values[i]];
    let row = geo.y[i] * w + geo.x[i];
    for (let dy = 0; dy < c; dy++, row += w) {
      for (let dx = 0; dx < c; dx++) pixels[row + dx] = color;
    }
  }
  ctx.putImageData(p.image, 0, 0);
  ctx.fillStyle = labelColor;
  ctx.font = '11px system-ui, sans-serif';
  for (const h of geo.halls) ctx.fillText(h.label, h.x, h.y);
  return performance.now() - t0;
}
