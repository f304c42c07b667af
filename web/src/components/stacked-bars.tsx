/** Stacked bars per day (SVG): interruptions per virtual day by cause, with a y axis of counts and day labels. */
import { causePalette } from '../lib/palette';

export function StackedBars(props: { days: Record<string, number>[]; labels: Record<string, string>; order?: string[] }) {
  const seen = [...new Set(props.days.flatMap((d) => Object.keys(d)))].sort();
  // Colours by position in the full cause list, so a cause keeps its colour and none repeats.
  const order = props.order ?? seen;
  const palette = causePalette(Math.max(order.length, 1));
  const colour = (c: string) => palette[Math.max(0, order.indexOf(c))] ?? '#888';
  const causes = [...seen].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const days = props.days.slice(-30);
  const first = props.days.length - days.length + 1;
  const max = Math.max(1, ...days.map((d) => Object.values(d).reduce((a, b) => a + b, 0)));
  const ticks = [max, Math.round(max / 2), 0].filter((v, i, a) => a.indexOf(v) === i);
  const w = 100 / Math.max(days.length, 8);
  return (
    <div>
      <div style={{ display: 'flex', gap: 6 }}>
        <div className="muted" style={{ display: 'flex', flexDirection: 'column', justifyContent: 'space-between', height: 140, fontSize: 11, textAlign: 'right', minWidth: 28 }} data-testid="interruptions-yaxis">
          {ticks.map((t) => <span key={t}>{t}</span>)}
        </div>
        <svg viewBox="0 0 100 40" preserveAspectRatio="none" style={{ width: '100%', height: 140 }} data-testid="interruptions-chart">
          {days.map((d, i) => {
            let y = 40;
            return causes.map((c) => {
              const h = ((d[c] ?? 0) / max) * 40;
              y -= h;
              return h > 0 ? <rect key={`${i}-${c}`} x={i * w + w * 0.1} width={w * 0.8} y={y} height={h} fill={colour(c)} data-cause={c}><title>{`day ${first + i}: ${props.labels[c] ?? c} ${d[c]}`}</title></rect> : null;
            });
          })}
        </svg>
      </div>
      <div className="muted" style={{ display: 'flex', justifyContent: 'space-between', fontSize: 11, marginLeft: 34 }}>
        <span>day {first}</span>
        <span>interruptions per virtual day</span>
        <span>day {first + days.length - 1}</span>
      </div>
      <div className="legend">
        {causes.map((c) => (
          <span key={c}>
            <i style={{ background: colour(c) }} />
            {props.labels[c] ?? c}
          </span>
        ))}
      </div>
    </div>
  );
}
