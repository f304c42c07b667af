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

/** Axis colours that follow the theme. */
export function axes(xLabel?: string, yLabel?: string): uPlot.Axis[] {
  const stroke = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
  const grid = { stroke: getComputedStyle(document.documentElement).getPropertyValue('--line').trim() || '#333', width: 1 };
  return [
    { stroke, grid, label: xLabel },
    { stroke, grid, label: yLabel },
  ];
}
