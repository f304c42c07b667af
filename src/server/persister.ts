/**
 * Group commit: writes queued while a transaction runs go together in the next
 * one, so thousands of agents' changes cost a few transactions per second.
 * Callers await their batch; order is preserved (one writer). After a failed
 * transaction every later batch fails too (they may build on what did not commit)
 * until the owner has reloaded its memory from the store and calls `reset()`.
 */
import type { Store, WriteBatch } from './store/store.js';

export class Persister {
  private queue: { batch: WriteBatch; done: (e?: unknown) => void }[] = [];
  private running = false;
  /** Batches committed and transactions run (for /metrics). */
  stats = { batches: 0, transactions: 0 };
  /** The error of the transaction that failed; set until reset(). */
  private failure: unknown = null;

  constructor(private readonly store: Store) {}

  write(batch: WriteBatch): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, done: (e) => (e ? reject(e) : resolve()) });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain()); // let requests of the same I/O turn join this transaction
      }
    });
  }

  /** Accepts writes again (after the owner reloaded what the store holds). */
  reset(): void {
    this.failure = null;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Resolves when everything queued so far is committed. */
  async flush(): Promise<void> {
    await this.write({});
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const items = this.queue;
      this.queue = [];
      if (this.failure) {
        for (const i of items) i.done(this.failure);
        continue;
      }
      try {
        await this.store.write(merge(items.map((i) => i.batch)));
        this.stats.batches += items.length;
        this.stats.transactions += 1;
        for (const i of items) i.done();
      } catch (e) {
        this.failure = e;
        for (const i of items) i.done(e);
      }
    }
    this.running = false;
  }
}

/** Concatenates batches; for rows written twice the later version wins. */
export function merge(batches: WriteBatch[]): WriteBatch {
  const nodes = new Map(), jobs = new Map(), attempts = new Map(), parts = new Map(), placements = new Map(), quotas = new Map<string, number | null>(), tokens = new Map();
  const events = [], logs = [], del: string[] = [], delHashes: string[] = [];
  for (const b of batches) {
    for (const n of b.changes?.nodes ?? []) nodes.set(n.name, n);
    for (const j of b.changes?.jobs ?? []) jobs.set(j.id, j);
    for (const a of b.changes?.attempts ?? []) attempts.set(a.id, a);
    for (const p of b.changes?.parts ?? []) parts.set(`${p.attemptId}#${p.index}`, p);
    for (const p of b.changes?.placements ?? []) placements.set(p.attemptId, p);
    for (const [t, q] of b.changes?.quotas ?? []) quotas.set(t, q);
    // loops, not push(...xs): a batch can hold 10^5+ events, past the stack's argument limit
    for (const e of b.changes?.events ?? []) events.push(e);
    for (const l of b.logs ?? []) logs.push(l);
    for (const d of b.nodeTokensDelete ?? []) del.push(d);
    for (const d of b.tokensDelete ?? []) delHashes.push(d);
    for (const t of b.tokensPut ?? []) tokens.set(t.node ? `node:${t.node}` : t.hash, t);
  }
  return {
    changes: { nodes: [...nodes.values()], jobs: [...jobs.values()], attempts: [...attempts.values()], parts: [...parts.values()], placements: [...placements.values()], events, quotas: [...quotas] },
    tokensPut: [...tokens.values()],
    nodeTokensDelete: del,
    tokensDelete: delHashes,
    logs,
  };
}
