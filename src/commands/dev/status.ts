import {EdgeCommand} from '../../base-command.js'
import {displayPath} from '../../config/paths.js'
import {formatCoin} from '../../protocol/money.js'
import {renderFields} from '../../output/table.js'
import {type DevStatus, devStatus} from '../../services/dev/index.js'
import {formatWindow} from '../../services/lease/reclamation.js'
import {runtimeDescription} from '../../services/provide/runtime-text.js'

export function renderStatus(status: DevStatus): string {
  const balances = (status.devKey?.balances ?? []).map((b) => formatCoin(BigInt(b.amount), b.denom)).join(', ')
  const providers = status.providers.length
    ? status.providers
        .map((p) => `${p.name ? `${p.name} ` : ''}${p.owner} ${p.hostUri} ${p.attributes.map((a) => `${a.key}=${a.value}`).join(' ')}${p.runtime === 'process' ? ' (host processes)' : ''}`)
        .join('\n           ')
    : 'none'
  const kinds = [...new Set(status.providers.flatMap((p) => (p.runtime ? [p.runtime] : [])))]
  return renderFields([
    ['state', status.running ? `running (pid ${status.pid})` : status.pid ? `starting or not answering (pid ${status.pid})` : 'stopped'],
    ['chain', status.chainId],
    ['height', status.height === undefined ? undefined : String(status.height)],
    ['rpc', status.endpoints?.rpc],
    ['grpc', status.endpoints?.grpc],
    ['rest', status.endpoints?.rest],
    ['block time', status.blockTimeMs === undefined ? undefined : status.blockTimeMs === 0 ? 'on demand' : `${status.blockTimeMs}ms`],
    ['dev key', status.devKey ? `${status.devKey.name} ${status.devKey.address}${balances ? ` (${balances})` : ''}` : undefined],
    ['providers', status.running ? providers : undefined],
    [
      'reclamation',
      status.reclamationWindows
        ? `windows from ${formatWindow(status.reclamationWindows.minSeconds)} to ${formatWindow(status.reclamationWindows.maxSeconds)} (market params)`
        : undefined,
    ],
    ['runtime', status.running && kinds.length ? kinds.map(runtimeDescription).join('; ') : undefined],
    ['data', displayPath(status.dataDir)],
  ])
}

export default class DevStatusCommand extends EdgeCommand<typeof DevStatusCommand, DevStatus> {
  static summary = 'Show whether edge dev runs: height, endpoints, the dev key, providers, reclamation windows.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  protected async execute(): Promise<DevStatus> {
    return devStatus()
  }

  protected renderText(status: DevStatus): string {
    return renderStatus(status)
  }
}
