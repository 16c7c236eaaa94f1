import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {blockTimeFlag, minGasPriceFlag, reclamationWindowFlag} from '../../flags.js'
import {DEFAULT_MIN_GAS_PRICE, DEFAULT_PORTS, type DevEvent, type StartResult, runNode, startDev} from '../../services/dev/index.js'
import {ensureDevKey} from '../../services/dev/dev-key.js'
import {formatWindow} from '../../services/lease/reclamation.js'
import {renderStatus} from './status.js'

export default class DevStart extends EdgeCommand<typeof DevStart, StartResult | {foreground: true; stopped: true}> {
  static summary = 'Start the local Akash-compatible chain (edge dev).'
  static description =
    'Runs in the background (pid and log files under <data>/devnet/) and returns once its RPC answers; a second start reports the running chain. Creates a funded `dev` key (AKT and ACT) and selects the `local` network.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --block-time 500ms',
    '<%= config.bin %> <%= command.id %> --foreground --block-time 0',
    '<%= config.bin %> <%= command.id %> --min-reclamation-window 30s',
  ]
  static handlesSignals = true
  static flags = {
    'block-time': blockTimeFlag({
      description: 'Time between blocks (1s, 500ms; 0 = a block as soon as a transaction arrives).',
      default: 1000,
      defaultHelp: async () => '1s',
    }),
    foreground: Flags.boolean({description: 'Run in this terminal until Ctrl-C instead of in the background.'}),
    providers: Flags.integer({description: 'Also start N local providers (needs `edge provide`).', default: 0, min: 0, max: 16}),
    host: Flags.string({description: 'Interface to listen on.', default: '127.0.0.1'}),
    'rpc-port': Flags.integer({description: 'CometBFT RPC port.', default: DEFAULT_PORTS.rpc, min: 0, max: 65535}),
    'grpc-port': Flags.integer({description: 'gRPC port.', default: DEFAULT_PORTS.grpc, min: 0, max: 65535}),
    'rest-port': Flags.integer({description: 'REST (grpc-gateway) port.', default: DEFAULT_PORTS.rest, min: 0, max: 65535}),
    'min-gas-price': minGasPriceFlag({
      description: 'Lowest gas price the mempool accepts (empty accepts any fee).',
      default: DEFAULT_MIN_GAS_PRICE,
    }),
    'min-reclamation-window': reclamationWindowFlag({
      description:
        'Shortest reclamation window (AEP-82) the market allows, e.g. 5s (a new chain has 5s; mainnet 1h). A chain that exists already takes it at its next block, as a governance params change would; without the flag it keeps its own.',
    }),
  }

  protected async execute(): Promise<StartResult | {foreground: true; stopped: true}> {
    const {'block-time': blockTimeMs, 'min-gas-price': minGasPrice, 'min-reclamation-window': minReclamationWindowSeconds} = this.flags
    const ports = {rpc: this.flags['rpc-port'], grpc: this.flags['grpc-port'], rest: this.flags['rest-port']}
    if (this.flags.foreground) {
      await ensureDevKey()
      await runNode(
        {
          host: this.flags.host,
          ports,
          blockTimeMs,
          minGasPrice,
          minReclamationWindowSeconds,
          log: (line) => this.out.writeErr(`${new Date().toISOString()} ${line}\n`),
          onReady: (state) => this.out.info(`edge dev is running: rpc ${state.endpoints?.rpc}, grpc ${state.endpoints?.grpc}, rest ${state.endpoints?.rest} (Ctrl-C stops it)`),
        },
        this.signal,
      )
      return {foreground: true, stopped: true}
    }
    // The background node is this same CLI in --foreground mode, detached.
    const fromSource = import.meta.url.endsWith('.ts')
    const bin = join(this.config.root, 'bin', fromSource ? 'dev.js' : 'run.js')
    const args = [bin, 'dev', 'start', '--foreground', '--block-time', `${blockTimeMs}ms`, '--host', this.flags.host]
    args.push('--rpc-port', String(ports.rpc), '--grpc-port', String(ports.grpc), '--rest-port', String(ports.rest), '--min-gas-price', minGasPrice)
    if (minReclamationWindowSeconds !== undefined) args.push('--min-reclamation-window', `${minReclamationWindowSeconds}s`)
    const result = await this.consumeEmitted<DevEvent, StartResult>(
      (onEvent) => startDev({host: this.flags.host, ports, blockTimeMs, providers: this.flags.providers, daemon: {command: process.execPath, args}, onEvent}),
      {},
    )
    const has = result.reclamationWindows?.minSeconds
    if (minReclamationWindowSeconds !== undefined && has !== undefined && has !== minReclamationWindowSeconds) {
      this.out.warn(
        result.alreadyRunning
          ? `edge dev was already running with a minimum reclamation window of ${formatWindow(has)}; stop it (edge dev stop) and start it again with --min-reclamation-window to change it.`
          : `The minimum reclamation window becomes ${formatWindow(minReclamationWindowSeconds)} at the next block (it is ${formatWindow(has)} until then).`,
      )
    }
    return result
  }

  protected renderText(result: StartResult | {foreground: true; stopped: true}): string | undefined {
    if ('foreground' in result) return 'edge dev stopped.'
    const head = result.alreadyRunning ? 'edge dev is already running.' : 'edge dev started.'
    return `${head}\n${renderStatus(result)}`
  }
}
