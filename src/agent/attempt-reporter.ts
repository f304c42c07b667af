/**
 * Per-attempt event queues, flushed in order in batches (≤ 1000 events and
 * ≤ MAX_BATCH_CHARS of JSON, well under the server's body limit) by the agent's
 * flush tick. Network errors and 5xx keep the batch for the next tick; a 4xx other
 * than 401 sends the batch again one event at a time, so only the event the server
 * refuses is dropped (and counted in a `dropped` event), never the batch around it.
 * Log lines beyond `maxQueuedLogs` are dropped with a notice; progress and exit
 * events are never dropped that way.
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

/** Most JSON characters in one report (the server's body limit is LIMITS.bodyBytes). */
export const MAX_BATCH_CHARS = 256 * 1024;

interface Queue {
  events: AttemptEvent[];
  /** Send one event per request (after a 4xx), until the queue is empty. */
  single: boolean;
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
    if (!q) queues.set(id, (q = { events: [], single: false, logs: 0, droppedLogs: 0, exitDelivered: false, inFlight: false }));
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
    try {
      while (q.events.length) {
        const batch = takeBatch(q.events, q.single ? 1 : LIMITS.reportEvents);
        try {
          const res = await opt.send(id, batch);
          settle(q, batch);
          if (!res.keepRunning) opt.onUnwanted(id);
        } catch (e) {
          if (isColossusError(e) && e.code === 'unauthorized') return opt.onUnauthorized();
          if (!isColossusError(e) || e.code === 'failure') return; // unreachable or 5xx: keep the batch for the next tick
          if (e.code !== 'usage') {
            opt.warn(`attempt ${id}: server refused ${batch.length} events, dropping them: ${e.message}`); // unknown attempt, forbidden: nothing of it will be taken
            settle(q, batch);
            continue;
          }
          if (batch.length > 1) {
            q.single = true; // find the one event the server refuses; deliver the rest
            continue;
          }
          opt.warn(`attempt ${id}: server refused a ${batch[0].type} event, dropping it: ${e.message}`);
          settle(q, batch);
          if (batch[0].type !== 'dropped' && batch[0].type !== 'exited') q.events.unshift({ type: 'dropped', lines: 1, why: `refused by the server: ${e.message.slice(0, 150)}` });
        }
      }
      q.single = false;
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

/** The longest prefix of `events` within `maxEvents` and MAX_BATCH_CHARS of JSON (at least one event). */
function takeBatch(events: AttemptEvent[], maxEvents: number): AttemptEvent[] {
  let chars = 0;
  let n = 0;
  while (n < events.length && n < maxEvents) {
    const e = events[n];
    chars += e.type === 'log' ? e.text.length + 64 : e.type === 'progress' ? JSON.stringify(e.line).length + 96 : 128;
    if (n > 0 && chars > MAX_BATCH_CHARS) break;
    n++;
  }
  return events.slice(0, n);
}
