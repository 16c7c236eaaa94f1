/**
 * `conf` (settings) writes through `atomically`, which loads `when-exit`; when-exit hooks SIGINT
 * and SIGTERM and, on the first one, sends the same signal to its own process again. The base
 * command counts that echo as a second Ctrl-C and exits at once, skipping the cleanup that closes
 * a half-made deployment. Commands that clean up on Ctrl-C drop when-exit's hooks once settings
 * are loaded (its only job there is removing atomically's temp files, which a later write redoes).
 */
export function dropSignalEcho(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (/^\(\)\s*=>\s*this\.exit\(signal\)$/.test(listener.toString().trim())) process.removeListener(signal, listener)
    }
  }
}
