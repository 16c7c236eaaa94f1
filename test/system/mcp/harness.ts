/**
 * `edge mcp` driven by the MCP SDK's own Client: in process (a linked in-memory transport into the
 * same stdio serving entry the binary uses) against a real `edge dev` with real `edge provide` nodes.
 */
import {Client} from '@modelcontextprotocol/client'
import {InMemoryTransport} from '@modelcontextprotocol/server'

import {type LimitsFile, resolveLimits} from '../../../src/mcp/limits.js'
import {type EdgeMcp, openEdgeMcp, serveOverStdio} from '../../../src/mcp/server.js'

export interface Connected {
  client: Client
  mcp: EdgeMcp
  close(): Promise<void>
}

export type Era = 'legacy' | 'modern'

/** A server with these limits and a client connected to it (2025 handshake, or pinned to 2026-07-28). */
export async function connect(env: Record<string, string>, limits: LimitsFile, options: {era?: Era; cwd?: string; closerIntervalMs?: number} = {}): Promise<Connected> {
  const mcp = await openEdgeMcp({limits: resolveLimits(limits, options.cwd ?? process.cwd()), env: {...process.env, ...env}, closerIntervalMs: options.closerIntervalMs ?? 60_000})
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair()
  const serving = serveOverStdio(mcp, serverEnd)
  const client = new Client({name: 'edge-test', version: '1.0.0'}, {versionNegotiation: {mode: options.era === 'modern' ? {pin: '2026-07-28'} : 'legacy'}})
  await client.connect(clientEnd)
  return {
    client,
    mcp,
    async close() {
      await client.close().catch(() => undefined)
      await serving.close()
      await mcp.close()
    },
  }
}

export interface ToolAnswer {
  isError: boolean
  text: string
  data: any
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const r = await client.callTool({name, arguments: args}, {timeout: 240_000})
  const text = (r.content as Array<{type: string; text?: string}>).map((c) => c.text ?? '').join('\n')
  return {isError: Boolean(r.isError), text, data: r.structuredContent}
}
