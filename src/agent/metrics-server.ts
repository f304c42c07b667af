/**
 * `colossus agent --metrics-port P`: this node's GPUs under DCGM exporter's names
 * and labels at http://HOST:P/metrics, one series per GPU — the per-node scrape
 * that keeps a 100k-GPU fleet's per-GPU series out of the control plane's /metrics
 * (docs/metrics.md). Plain node:http: one route, no dependencies.
 */
import { createServer, type Server } from 'node:http';
import { ColossusError } from '../core/errors.js';
import { dcgmText, type NodeGpuMetrics } from '../protocol/prometheus.js';

export interface MetricsServer {
  /** The port it listens on (the real one when asked for 0). */
  port: number;
  close(): Promise<void>;
}

export async function serveGpuMetrics(host: string, port: number, read: () => NodeGpuMetrics): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics here\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(dcgmText([read()], true));
  });
  try {
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, host, () => ok()));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ColossusError(code === 'EADDRINUSE' || code === 'EACCES' ? 'usage' : 'failure', `cannot serve metrics on ${host}:${port}: ${code ?? (e as Error).message}`, { where: '--metrics-port', hint: 'pick a free port (dcgm-exporter uses 9400), or 0 for any' });
  }
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
