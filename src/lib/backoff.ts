/** Retry delays as named data (which retry waits how long), one formula for all of them. */
export interface BackoffPolicy {
  /** The first retry's delay. */
  initialMs: number
  /** The delay doubles up to this. */
  maxMs: number
}

/** Reconnecting a dropped stream (provider logs, events) or reaching a chain that stopped answering. */
export const RECONNECT_BACKOFF: BackoffPolicy = {initialMs: 250, maxMs: 5000}

/** The delay before retry `attempt` (0 = the first): initialMs × 2^attempt, at most maxMs. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const n = Math.max(0, Math.floor(attempt))
  // 2^n overflows to Infinity long before it matters; min() keeps the cap.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(n, 30))
}
