/** A uPlot chart that follows its container's width and takes new data without re-creating itself. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export function UPlotChart(props: { options: Omit<uPlot.Options, 'width'>; data: uPlot.AlignedData; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = JSON.stringify(props.options.series.map((s) => s.label)) + String(props.options.title ?? '');
  useEffect(() => {
    const el = box.current!;
    plot.current = new uPlot({ ...props.options, width: el.clientWidth || 600 } as uPlot.Options, props.data, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth || 600, height: props.options.height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [key]);
  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);
  return <div ref={box} data-testid={props.testId} />;
}

/**
 * A y axis as wide as its widest tick label (plus the title's room), so the title never
 * sits on the ticks: uPlot's default width is a fixed 50 px, which "120,000" overflows.
 */
export function fitSize(self: uPlot, values: string[] | null, axisIdx: number): number {
  const axis = self.axes[axisIdx];
  if (!values?.length) return 50;
  self.ctx.save();
  const font = axis.font as unknown; // uPlot keeps [css font at device pixels, size] after init
  self.ctx.font = (Array.isArray(font) ? font[0] : (font as string)) || '12px system-ui';
  const widest = Math.max(...values.map((v) => self.ctx.measureText(String(v)).width));
  self.ctx.restore();
  return Math.ceil(widest / devicePixelRatio) + 8 + (axis.label ? 24 : 0) + 10;
}

/** Axis colours that follow the theme; y axes sized to their tick labels. */
export function axes(xLabel?: string, yLabel?: string): uPlot.Axis[] {
  const stroke = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
  const grid = { stroke: getComputedStyle(document.documentElement).getPropertyValue('--line').trim() || '#333', width: 1 };
  return [
    { stroke, grid, label: xLabel },
    { stroke, grid, label: yLabel, size: fitSize, labelGap: 4 },
  ];
}
