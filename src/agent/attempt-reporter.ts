/**
 * Per-attempt event queues, flushed in order in batches (≤ 1000 events) by the
 * agent's flush tick. Network errors and 5xx keep the batch for the next tick; a
 * 4xx other than 401 drops it (the server will never take it; wedging the queue would
 * hide every later event). Log lines beyond `maxQueuedLogs` are dropped with a notice;
 * progress and exit events are never dropped that way.
 */
import { isColossusError } from '../core/errors.js';
import { LIMITS } from '../protocol/common.js';
import type { AttemptEvent, AttemptReportResponse } from '../protocol/agent.js';

export interface ReporterOptions {
  send(attemptId: string, events: AttemptEvent[]): Promise<AttemptReportResponse>;
  /** The server said keepRunning: false. */
  onUnwanted(attemptId: string): void;
  /** 401: the node credential is gone (server lost it): register again. */
  onUnauthorized(): void;
  warn(message: string): void;
  maxQueuedLogs?: number;
}

interface Queue {
  events: AttemptEvent[];
  logs: number;
  droppedLogs: number;
  exitDelivered: boolean;
  inFlight: boolean;
}

export interface AttemptReporter {
  push(attemptId: string, event: AttemptEvent): void;
  /** The attempt's `exited` event reached the server (or was refused for good). */
  exitDelivered(attemptId: string): boolean;
  pending(): number;
  flush(): Promise<void>;
  forget(attemptId: string): void;
}

export function createAttemptReporter(opt: ReporterOptions): AttemptReporter {
  const queues = new Map<string, Queue>();
  const maxLogs = opt.maxQueuedLogs ?? 5_000;
  const queueOf = (id: string) => {
    let q = queues.get(id);
    if (!q) queues.set(id, (q = { events: [], logs: 0, droppedLogs: 0, exitDelivered: false, inFlight: false }));
    return q;
  };

  async function flushOne(id: string, q: Queue): Promise<void> {
    if (q.inFlight || (!q.events.length && !q.droppedLogs)) return;
    if (q.droppedLogs) {
      q.events.unshift({ type: 'log', stream: 'stderr', text: `[colossus agent: ${q.droppedLogs} log lines dropped while the server was unreachable]` });
      q.logs++;
      q.droppedLogs = 0;
    }
    q.inFlight = true;
    let batch: AttemptEvent[] = [];
    try {
      while (q.events.length) {
        batch = q.events.slice(0, LIMITS.reportEvents);
        const res = await opt.send(id, batch);
        settle(q, batch);
        if (!res.keepRunning) opt.onUnwanted(id);
      }
    } catch (e) {
      if (isColossusError(e) && e.code === 'unauthorized') opt.onUnauthorized();
      else if (isColossusError(e) && e.code !== 'failure') {
        opt.warn(`attempt ${id}: server refused ${batch.length} events, dropping them: ${e.message}`);
        settle(q, batch);
      }
    } finally {
      q.inFlight = false;
    }
  }

  function settle(q: Queue, batch: AttemptEvent[]) {
    q.events.splice(0, batch.length);
    q.logs -= batch.filter((e) => e.type === 'log').length;
    if (batch.some((e) => e.type === 'exited')) q.exitDelivered = true;
  }

  return {
    push(id, event) {
      const q = queueOf(id);
      if (event.type === 'log') {
        if (q.logs >= maxLogs) return void q.droppedLogs++;
        q.logs++;
      }
      q.events.push(event);
    },
    exitDelivered: (id) => queues.get(id)?.exitDelivered ?? false,
    pending: () => [...queues.values()].reduce((n, q) => n + q.events.length, 0),
    async flush() {
      await Promise.all([...queues].map(([id, q]) => flushOne(id, q)));
    },
    forget: (id) => void queues.delete(id),
  };
}
