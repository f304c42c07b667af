/**
 * A job's goodput advice (GET /api/v1/jobs/:id `advice`, computed by src/core/control/job-advice.ts):
 * interruptions at its size, checkpoint cost, restart, the Daly-optimal interval against the one it
 * keeps, expected goodput at each, and the server's warning when it is more than 2× off either way.
 */
import { pct } from '../lib/format';
import type { Advice } from '../lib/types';

/** Seconds with sensible precision from milliseconds to days. */
export function secs(s: number): string {
  if (s < 1) return `${(s * 1000).toPrecision(2)} ms`;
  if (s < 10) return `${s.toFixed(2)} s`;
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 3 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

export function AdviceCard({ a, gpus }: { a: Advice; gpus: number }) {
  const notYet = (src: string) => (src === 'measured' ? 'measured' : `${src}, not measured yet`);
  return (
    <div className="card wide" data-testid="job-advice">
      <h2>Goodput advice</h2>
      {a.warning && (
        <p className="warn-box" data-testid="advice-warning" role="alert">
          ⚠ {a.warning}
        </p>
      )}
      <div className="grid">
        <div>
          <div className="big" data-testid="advice-optimal">{secs(a.optimalCheckpointIntervalS)}</div>
          <div className="muted">optimal checkpoint interval (Daly){a.attemptIntervalS === null ? '' : ` · COLOSSUS_CHECKPOINT_INTERVAL_S=${a.attemptIntervalS}`}</div>
        </div>
        <div>
          <div className="big" data-testid="advice-actual">{a.actualCheckpointIntervalS === null ? '–' : secs(a.actualCheckpointIntervalS)}</div>
          <div className="muted">actual interval (measured)</div>
        </div>
        <div>
          <div className="big" data-testid="advice-expected">{pct(a.expectedGoodput, 2)}</div>
          <div className="muted">expected goodput at the optimum</div>
        </div>
        <div>
          <div className="big" data-testid="advice-achieved">{a.achievedGoodput === null ? '–' : pct(a.achievedGoodput, 2)}</div>
          <div className="muted">expected goodput at the actual interval</div>
        </div>
      </div>
      <div className="kv" style={{ marginTop: 10 }}>
        <span>interruptions</span><span data-testid="advice-mtbi">every {secs(a.mtbiS)} (fleet {a.ratePerGpuHour.toExponential(2)} per GPU-hour × {gpus} GPUs)</span>
        <span>checkpoint cost</span><span>{secs(a.checkpointCostS)} ({notYet(a.checkpointCostSource)})</span>
        <span>restart</span><span>{secs(a.restartS)} ({notYet(a.restartSource)})</span>
      </div>
    </div>
  );
}
