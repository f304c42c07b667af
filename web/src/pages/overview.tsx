/** Overview: GPUs by state, jobs, the flagship's progress and goodput, interruptions by cause, power, live events. */
import { Link } from '../app';
import { StackedBars } from '../components/stacked-bars';
import { duration, int, pct, si, watts, when } from '../lib/format';
import { STATE_COLORS, STATE_ORDER } from '../lib/palette';
import type { TwinStream } from '../lib/stream';

export function Overview({ stream }: { stream: TwinStream }) {
  const s = stream.summary;
  if (!s) return <p className="muted">Waiting for the twin…</p>;
  const f = s.flagship;
  const labels = Object.fromEntries(s.causes.map((c) => [c.id, c.label]));
  const failures = Object.values(s.failuresByCause).reduce((a, b) => a + b, 0);
  const days = Math.max(s.virtualS / 86400, 1 / 24);
  return (
    <div className="grid" data-testid="overview">
      <div className="card wide">
        <h2>GPUs by state · {int(s.cluster.gpus)} {s.cluster.gpuModel} in {int(s.cluster.nodes)} nodes</h2>
        <div className="bar">
          {STATE_ORDER.map((k) => (s.gpus[k] ? <div key={k} title={`${k}: ${int(s.gpus[k])}`} style={{ width: `${(s.gpus[k] / s.cluster.gpus) * 100}%`, background: STATE_COLORS[k] }} /> : null))}
        </div>
        <div className="legend" style={{ marginTop: 6 }}>
          {STATE_ORDER.map((k) => (
            <span key={k} data-testid={`gpus-${k}`}>
              <i style={{ background: STATE_COLORS[k] }} />
              {k} {int(s.gpus[k] ?? 0)}
            </span>
          ))}
        </div>
      </div>
      <div className="card">
        <h2>Jobs</h2>
        <div className="big" data-testid="jobs-running">{int(s.jobs.running ?? 0)} running</div>
        <div className="muted">
          {int(s.jobs.queued ?? 0)} queued · {int(s.jobs.recovering ?? 0)} recovering · {int(s.jobs.succeeded ?? 0)} done · {int(s.jobs.failed ?? 0)} failed
        </div>
        <Link to="/jobs">all jobs →</Link>
      </div>
      <div className="card" data-testid="fleet-throughput">
        <h2>Throughput</h2>
        <div className="big" data-testid="fleet-tokens">{si(s.throughput.tokensPerS)} tokens/s</div>
        <div className="muted">
          {int(s.throughput.jobs)} running jobs with a plan · {int(s.throughput.gpus)} GPUs · MFU {s.throughput.mfu === null ? '–' : pct(s.throughput.mfu)} (GPU-weighted)
        </div>
      </div>
      <div className="card">
        <h2>Power</h2>
        <div className="big">{watts(s.power.facilityW)}</div>
        <div className="muted">
          facility (PUE {s.cluster.pue}) · IT {watts(s.power.itW)}
        </div>
      </div>
      <div className="card" data-testid="spare-reserve">
        <h2>Spare reserve</h2>
        <div className="big" data-testid="spare-reserve-nodes">
          {int(s.reserve.targetNodes)} node{s.reserve.targetNodes === 1 ? '' : 's'} ({s.reserve.mode})
        </div>
        <div className="muted">
          {int(s.reserve.heldNodes)} held idle{s.reserve.gang ? ` for ${s.reserve.gang.jobId === f?.id ? 'the flagship' : s.reserve.gang.jobId}` : ''}
          {s.reserve.auto && s.reserve.auto.meanNodesInRepair !== null
            ? ` · P99 of ${s.reserve.auto.meanNodesInRepair.toFixed(1)} nodes in repair at ${s.reserve.auto.hardwarePerGpuHour.toExponential(1)}/GPU-h`
            : ''}
        </div>
      </div>
      <div className="card">
        <h2>Failures</h2>
        <div className="big">{int(failures)}</div>
        <div className="muted">
          {s.virtualS >= 86400 ? `${(failures / days).toFixed(1)} per day` : `in ${duration(s.virtualS)}`} · {int(s.inRepair)} nodes in repair · {int(s.nodes.down ?? 0)} down
        </div>
      </div>
      {f && (
        <div className="card wide" data-testid="flagship">
          <h2>
            Flagship <Link to={`/jobs/${f.id}`}>{f.name}</Link> · {int(f.gpus)} GPUs · <span className={`st-${f.state}`}>{f.state}</span>
          </h2>
          <div className="grid">
            <div>
              <div className="big" data-testid="goodput">{pct(f.goodput)}</div>
              <div className="muted">goodput so far (productive ÷ elapsed)</div>
              <div className="muted" data-testid="flagship-eta">
                {(f.tokensTrained / 1e12).toFixed(2)} of {(f.tokenBudget / 1e12).toFixed(1)} T tokens · ETA {f.etaS === null ? '–' : f.etaS === 0 ? 'done' : duration(f.etaS)}
              </div>
            </div>
            <div>
              <div className="big">{int(f.step ?? 0)}</div>
              <div className="muted">step · checkpoint {int(f.lastCheckpointStep ?? 0)} · loss {f.loss ?? '–'}</div>
            </div>
            <div>
              <div className="big">{int(f.restarts)}</div>
              <div className="muted">restarts · {duration(f.lostS)} of work lost</div>
            </div>
            <div className="muted" style={{ fontSize: 13 }}>
              {f.layout}
              <br />
              {f.reason}
            </div>
          </div>
          <div className="grid" data-testid="flagship-throughput">
            <div>
              <div className="big" data-testid="flagship-tokens">{f.throughput.tokensPerS === null ? '–' : si(f.throughput.tokensPerS)}</div>
              <div className="muted">tokens/s · plan {f.throughput.plannedTokensPerS === null ? '–' : si(f.throughput.plannedTokensPerS)}</div>
            </div>
            <div>
              <div className="big" data-testid="flagship-mfu">{f.throughput.mfu === null ? '–' : pct(f.throughput.mfu)}</div>
              <div className="muted">MFU · plan {f.throughput.plannedMfu === null ? '–' : pct(f.throughput.plannedMfu)}</div>
            </div>
            <div>
              <div className="big">{f.throughput.achievedStepS === null ? '–' : `${f.throughput.achievedStepS.toFixed(2)} s`}</div>
              <div className="muted">step time · plan {f.stepTimeS.toFixed(2)} s{f.throughput.efficiency === null ? '' : ` (${pct(f.throughput.efficiency)} of plan)`}</div>
            </div>
            <div>
              <div className="big" data-testid="flagship-cp-goodput">{f.throughput.goodput === null ? '–' : pct(f.throughput.goodput)}</div>
              <div className="muted">goodput since the first attempt (control plane: surviving steps at each attempt's pace)</div>
            </div>
          </div>
        </div>
      )}
      <div className="card wide">
        <h2>Interruptions per day by cause</h2>
        <StackedBars days={s.interruptionsByDay} labels={labels} order={s.causes.map((c) => c.id)} />
      </div>
      <div className="card wide">
        <h2>Live events</h2>
        <div className="feed" data-testid="feed">
          {stream.feed.map((e) => (
            <div key={e.seq}>
              <span className="muted">{when(e.atMs)}</span> <span className="k">{e.kind}</span>
              {e.node && <Link to={`/nodes/${e.node}`}>{e.node}</Link>} {e.jobId && <Link to={`/jobs/${e.jobId}`}>{e.jobId}</Link>} {e.reason}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
