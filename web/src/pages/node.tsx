/** A node: state, GPUs (as the twin simulates them), health history, and operator actions through the API. */
import { useEffect, useState } from 'react';
import { Link } from '../app';
import { api } from '../lib/api';
import { when } from '../lib/format';
import { operateHint, useSession } from '../lib/session';
import { STATE_COLORS } from '../lib/palette';
import type { NodeDetail, TwinNode } from '../lib/types';

export function NodePage({ name, tick }: { name: string; tick: number }) {
  const [node, setNode] = useState<NodeDetail | null>(null);
  const [twin, setTwin] = useState<TwinNode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const hint = operateHint(useSession()); // null: this session may cordon and steer
  const load = () => {
    api<NodeDetail>(`/api/v1/nodes/${name}`).then((n) => (setNode(n), setError(null)), (e) => setError(e.message));
    api<TwinNode>(`/api/v1/twin/nodes/${name}`).then(setTwin, () => setTwin(null));
  };
  useEffect(load, [name, tick]);
  const inject = async (cause: string) => {
    setMsg(null);
    try {
      await api('/api/v1/twin/inject', { method: 'POST', body: { cause, node: name } });
      setMsg(`injected ${cause}: the agent reports it after the detection latency`);
    } catch (e) {
      setMsg(`inject failed: ${(e as Error).message}`);
    }
  };
  const act = async (action: 'cordon' | 'uncordon' | 'drain') => {
    setBusy(true);
    setMsg(null);
    try {
      const n = await api<NodeDetail>(`/api/v1/nodes/${name}/${action}`, { method: 'POST', body: { reason: `${action} from the dashboard` } });
      setNode(n);
      setMsg(`${action}: node is now ${n.state}`);
    } catch (e) {
      setMsg(`${action} failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  if (error) return <p className="error">{error}</p>;
  if (!node) return <p className="muted">Loading {name}…</p>;
  return (
    <div className="grid">
      <div className="card wide">
        <h1>
          {node.name} <span className={`pill st-${node.state}`} data-testid="node-state">{node.state}</span>
        </h1>
        <div className="kv">
          <span>location</span><span>{node.hall} · {node.array} · {node.rack}</span>
          <span>GPUs</span><span>{node.gpus} × {node.gpuModel} · {node.gpusFree} free</span>
          <span>hold</span><span>{node.hold ?? 'none'}{node.holdReason ? ` — ${node.holdReason}` : ''}</span>
          <span>attempts</span><span>{node.attempts.length ? node.attempts.map((a) => <Link key={a} to={`/jobs/${a.split('.')[0]}`}>{a} </Link>) : 'none'}</span>
          <span>failures</span><span>{node.recentFailures} in the lemon window</span>
          {twin?.repair && (<><span>repair</span><span className="error">{twin.repair}</span></>)}
          <span>heartbeat</span><span>{node.lastHeartbeatAt?.replace('T', ' ').slice(0, 19)} {twin && !twin.agentUp ? '(agent unreachable)' : ''}</span>
        </div>
        <div className="toolbar" style={{ marginTop: 10 }}>
          <button disabled={busy || hint !== null} title={hint ?? undefined} onClick={() => act('cordon')} data-testid="cordon">Cordon</button>
          <button disabled={busy || hint !== null} title={hint ?? undefined} onClick={() => act('uncordon')} data-testid="uncordon">Uncordon</button>
          <button disabled={busy || hint !== null} title={hint ?? undefined} className="danger" onClick={() => act('drain')} data-testid="drain">Drain</button>
          <span className="muted">twin:</span>
          <button disabled={hint !== null} onClick={() => inject('gpuFaulty')} title={hint ?? 'XID 79 on a random GPU of this node'} data-testid="inject-gpu">Fail a GPU</button>
          <button disabled={hint !== null} onClick={() => inject('hostMaintenanceUnplanned')} title={hint ?? 'the host stops heartbeating'}>Crash host</button>
          {hint && <span className="muted" data-testid="operate-hint">{hint}</span>}
          {msg && <span className={msg.includes('failed') ? 'error' : 'muted'} data-testid="action-msg">{msg}</span>}
        </div>
      </div>
      {twin && (
        <div className="card wide">
          <h2>GPUs</h2>
          <table>
            <thead><tr><th>#</th><th>state</th><th>util</th><th>temp</th><th>power</th><th>uuid</th></tr></thead>
            <tbody>
              {twin.gpus.map((g) => (
                <tr key={g.index}>
                  <td>{g.index}</td>
                  <td><i style={{ display: 'inline-block', width: 10, height: 10, background: STATE_COLORS[g.state], marginRight: 6 }} />{g.state}</td>
                  <td>{g.utilizationPct} %</td>
                  <td>{g.temperatureC ? `${g.temperatureC} °C` : '–'}</td>
                  <td>{g.powerW ? `${g.powerW} W` : '–'}</td>
                  <td className="muted">{g.uuid}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="card wide">
        <h2>Health history</h2>
        <table data-testid="transitions">
          <thead><tr><th>when</th><th>from</th><th>to</th><th>source</th><th>reason</th></tr></thead>
          <tbody>
            {[...node.transitions].reverse().slice(0, 100).map((t, i) => (
              <tr key={i}>
                <td className="muted">{when(t.atMs)}</td>
                <td>{t.from ?? '–'}</td>
                <td className={`st-${t.to}`}>{t.to}</td>
                <td>{t.source}</td>
                <td>{t.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
