/**
 * Fencing: the ranks of a node the server cannot hear are stopped by their own
 * agent (self-fencing), and the server starts no replacement before they are
 * surely gone. The bound, from the node's last heartbeat the server received:
 *
 *   agent: SIGTERM once no request it sent after that was answered for
 *          nodeTimeoutS, SIGKILL fenceKillGraceS later;
 *   server: the node is down after nodeTimeoutS; the job's next attempt is
 *          placed no earlier than nodeTimeoutS + fenceKillGraceS + FENCE_MARGIN_MS.
 *
 * An agent's last answered request was sent no later than the server received
 * it, so its SIGKILL comes before the server's bound (the margin covers the
 * agent's check period, signal delivery and clock-rate drift).
 */

/** SIGTERM → SIGKILL grace of a self-fencing agent: a fifth of the node timeout, 1–5 s. */
export const fenceKillGraceS = (nodeTimeoutS: number): number => Math.min(5, Math.max(1, nodeTimeoutS / 5));

/** Slack for the agent's check period, signal delivery and clock-rate drift, ms. */
export const FENCE_MARGIN_MS = 1000;

/** After a node's last heartbeat, how long until its ranks are surely gone, ms. */
export const fenceBoundMs = (nodeTimeoutS: number): number => nodeTimeoutS * 1000 + fenceKillGraceS(nodeTimeoutS) * 1000 + FENCE_MARGIN_MS;
