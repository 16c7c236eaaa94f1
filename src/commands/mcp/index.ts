import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {keyFlag} from '../../flags.js'
import {limitFlags, limitsFromFlags} from '../../mcp/flags.js'
import {limitsPath, limitsView, mergeLimitsFiles, readLimitsFile, resolveLimits} from '../../mcp/limits.js'
import {openEdgeMcp, parseListen, serveOverHttp, serveOverStdio} from '../../mcp/server.js'
import type {DseqText} from '../../protocol/json-fields.js'
import {promptPassword} from '../../ui/prompts.js'

/** What `edge mcp` reports once it stops serving (stdout belongs to the protocol until then). */
export interface McpServeResult {
  network: string
  owner: string
  transport: 'stdio' | 'http'
  url?: string
  allowSpend: boolean
  /** Deployments whose TTL passed while the server was stopped, closed at start. */
  closedOnStart: Array<{dseq: DseqText; outcome: string}>
}

export default class Mcp extends EdgeCommand<typeof Mcp, McpServeResult> {
  static summary = 'Serve edge to AI agents over MCP, within limits you set.'
  static description = `An MCP server (stdio by default, or Streamable HTTP with --http) whose tools read the market and your deployments and, with --allow-spend, plan and apply deployments. The limits (price per hour, deposit, budgets, TTL, allowlists) are enforced here, not by the model; every write goes to the action log (edge mcp log).

The key is unlocked once at start: EDGE_MNEMONIC, EDGE_PASSPHRASE, a key without a passphrase, or (with --http, in a terminal) the passphrase typed at start. No tool can read it.`
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --allow-spend --max-usd-per-hour 0.5 --budget-per-day 5 --ttl 2h --image busybox',
    'EDGE_MCP_TOKEN=$(openssl rand -hex 32) <%= config.bin %> <%= command.id %> --http 0.0.0.0:8765',
  ]
  static flags = {
    ...limitFlags,
    http: Flags.string({description: 'Serve Streamable HTTP on HOST:PORT (path /mcp) instead of stdio; loopback unless a host is given.'}),
    token: Flags.string({description: 'Bearer token HTTP clients must send (required off loopback).', env: 'EDGE_MCP_TOKEN'}),
    key: keyFlag,
  }

  protected async execute(): Promise<McpServeResult> {
    const file = readLimitsFile(limitsPath())
    const limits = resolveLimits(mergeLimitsFiles(file, limitsFromFlags(this.flags)))
    // The passphrase may be asked for only over HTTP: on stdio, stdin carries the protocol.
    const mcp = await openEdgeMcp({
      ...(this.flags.network ? {network: this.flags.network} : {}),
      ...(this.flags.key ? {key: this.flags.key} : {}),
      limits,
      interactive: Boolean(this.flags.http) && this.interactive,
      promptPassword,
    })
    const view = limitsView(limits)
    // stdout belongs to the protocol on stdio: everything for people goes to stderr.
    this.out.info(`edge mcp on ${mcp.agent.ctx.network.name} as ${mcp.agent.ctx.owner}: ${view.allowSpend ? 'spending allowed' : 'read-only'}, TTL ${view.ttl}`)
    for (const c of mcp.closedOnStart) this.out.info(`closed deployment ${c.dseq}: its TTL passed while the server was stopped (${c.outcome})`)
    const result: McpServeResult = {network: mcp.agent.ctx.network.name, owner: mcp.agent.ctx.owner, transport: this.flags.http ? 'http' : 'stdio', allowSpend: view.allowSpend, closedOnStart: mcp.closedOnStart}
    try {
      if (this.flags.http) {
        const listen = parseListen(this.flags.http)
        const http = await serveOverHttp(mcp, {...listen, ...(this.flags.token ? {token: this.flags.token} : {})})
        result.url = http.url
        this.out.info(`serving ${http.url}`)
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve)
          process.once('SIGTERM', resolve)
        })
        await http.close()
      } else {
        const stdio = serveOverStdio(mcp)
        await Promise.race([
          stdio.closed,
          new Promise<void>((resolve) => {
            process.once('SIGINT', resolve)
            process.once('SIGTERM', resolve)
          }),
        ])
        await stdio.close()
      }
    } finally {
      await mcp.close()
    }
    return result
  }

  protected renderText(): string | undefined {
    return undefined
  }
}
