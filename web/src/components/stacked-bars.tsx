/** Stacked bars per day (SVG): interruptions per virtual day by cause. */
const COLORS = ['#3b82f6', '#ef4444', '#f59e0b', '#14b8a6', '#a855f7', '#f97316', '#22c55e', '#ec4899', '#64748b', '#eab308', '#06b6d4', '#8b5cf6'];

export function StackedBars(props: { days: Record<string, number>[]; labels: Record<string, string> }) {
  const causes = [...new Set(props.days.flatMap((d) => Object.keys(d)))].sort();
  const max = Math.max(1, ...props.days.map((d) => Object.values(d).reduce((a, b) => a + b, 0)));
  const days = props.days.slice(-30);
  const w = 100 / Math.max(days.length, 8);
  return (
    <div>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" style={{ width: '100%', height: 140 }} data-testid="interruptions-chart">
        {days.map((d, i) => {
          let y = 40;
          return causes.map((c, k) => {
            const h = ((d[c] ?? 0) / max) * 38;
            y -= h;
            return h > 0 ? <rect key={`${i}-${c}`} x={i * w + w * 0.1} width={w * 0.8} y={y} height={h} fill={COLORS[k % COLORS.length]}><title>{`day ${props.days.length - days.length + i + 1}: ${props.labels[c] ?? c} ${d[c]}`}</title></rect> : null;
          });
        })}
      </svg>
      <div className="legend">
        {causes.map((c, k) => (
          <span key={c}>
            <i style={{ background: COLORS[k % COLORS.length] }} />
            {props.labels[c] ?? c}
          </span>
        ))}
      </div>
    </div>
  );
}
