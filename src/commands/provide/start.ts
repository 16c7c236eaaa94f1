import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {processAlive} from '../../services/provide/pid-file.js'
import {DEV_NODE_PID_ENV, providerEvents, readProviderConfig, runProvider} from '../../services/provide/start.js'
import {openSession} from '../../services/session.js'
import {providerSinks} from '../../ui/sinks/provider.js'
import {promptPassword} from '../../ui/prompts.js'

export interface ProvideStartResult {
  name: string
  address: string
  hostUri: string
  gatewayUrl: string
  ingressUrl: string
  stopped: true
}

export default class ProvideStart extends EdgeCommand<typeof ProvideStart, ProvideStartResult> {
  static summary = 'Run the provider in the foreground: bid on orders, run leases, serve the provider API.'
  static description =
    'In a terminal it shows a live dashboard (orders, bids, leases, utilisation, earnings per hour); with --output jsonl every event is a JSON line on stdout; otherwise events are plain lines on stderr. Ctrl-C stops bidding and serving but leaves workloads running: the next start re-attaches to them.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name second --output jsonl']
  static handlesSignals = true
  static flags = {
    name: Flags.string({description: 'Provider name on this machine.', default: 'default'}),
    'gateway-port': Flags.integer({description: "Gateway port (default: the host URI's).", min: 0, max: 65535}),
    'ingress-port': Flags.integer({description: 'Ingress port (default: from the config).', min: 0, max: 65535}),
  }

  protected async execute(): Promise<ProvideStartResult> {
    const config = await readProviderConfig(this.flags.name)
    const session = await openSession(this.flags.network ?? config.network)
    const hub = providerEvents()
    // One event stream, one sink: the Ink dashboard, JSONL lines, or plain stderr lines.
    const sink = this.consume(hub.subscribe(), providerSinks(config.name))
    let provider
    try {
      provider = await runProvider(session, {
        name: this.flags.name,
        interactive: this.interactive,
        promptPassword,
        events: hub,
        ...(this.flags['gateway-port'] !== undefined ? {gatewayPort: this.flags['gateway-port']} : {}),
        ...(this.flags['ingress-port'] !== undefined ? {ingressPort: this.flags['ingress-port']} : {}),
      })
    } catch (error) {
      hub.end()
      await sink
      throw error
    }
    const nodePid = Number(process.env[DEV_NODE_PID_ENV] ?? 0)
    let watch: NodeJS.Timeout | undefined
    await new Promise<void>((resolve) => {
      if (this.signal.aborted) resolve()
      this.signal.addEventListener('abort', () => resolve(), {once: true})
      void provider.done.then(() => resolve())
      // A local provider started by `edge dev start --providers` stops with its chain.
      if (nodePid > 0) watch = setInterval(() => !processAlive(nodePid) && resolve(), 1000)
    })
    if (watch) clearInterval(watch)
    await provider.stop()
    await sink
    return {name: config.name, address: provider.address, hostUri: provider.hostUri, gatewayUrl: provider.gatewayUrl, ingressUrl: provider.ingressUrl, stopped: true}
  }

  protected renderText(r: ProvideStartResult): string {
    return `Provider ${r.name} stopped; its workloads keep running and the next start re-attaches to them.`
  }
}
