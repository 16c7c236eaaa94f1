// The conformance backends: `edge dev` (always) and a real Akash node (where the Go module proxy
// serves it). EDGE_CONFORMANCE_BACKENDS picks some; EDGE_REQUIRE_AKASH_NODE=1 makes an unavailable
// real node a failure instead of a skip with its reason.
import {startEdgeDev} from './edge-dev.js'
import type {ChainBackend} from '../node/types.js'

export type {ChainBackend} from '../node/types.js'

export interface BackendCase {
  name: 'edge-dev' | 'akash-node'
  /** Average block time the backend runs at (for per-hour prices and waits). */
  blockTimeMs: number
  start(): Promise<ChainBackend>
  /** A reason this backend cannot run on this machine (reported as a skip, never a silent pass). */
  unavailable?(error: unknown): string | undefined
}

export const BACKENDS: BackendCase[] = [
  {name: 'edge-dev', blockTimeMs: 200, start: () => startEdgeDev({blockTimeMs: 200})},
  {
    name: 'akash-node',
    blockTimeMs: 500,
    start: async () => (await import('./akash-node.js')).startAkashNode(),
    unavailable: (error) =>
      (error as Error)?.name === 'AkashNodeUnavailableError' && process.env.EDGE_REQUIRE_AKASH_NODE !== '1' ? (error as Error).message : undefined,
  },
]

export function wantedBackends(): BackendCase[] {
  const wanted = (process.env.EDGE_CONFORMANCE_BACKENDS ?? 'edge-dev,akash-node').split(',').map((s) => s.trim())
  return BACKENDS.filter((b) => wanted.includes(b.name))
}

/**
 * Starts a backend for a suite. An unavailable one (see `unavailable`) comes back as the reason to
 * skip, written to stderr so the skip is never silent; any other failure throws.
 */
export async function startOrSkip(backendCase: BackendCase, suite: string): Promise<{backend: ChainBackend; skip?: undefined} | {backend?: undefined; skip: string}> {
  try {
    return {backend: await backendCase.start()}
  } catch (error) {
    const skip = backendCase.unavailable?.(error)
    if (!skip) throw error
    process.stderr.write(`\nSKIPPING ${suite} on ${backendCase.name}:\n${skip}\n\n`)
    return {skip}
  }
}
