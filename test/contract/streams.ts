/**
 * The JSONL lines each streaming command prints (`--output jsonl`, and `--json` on a run that
 * streams until Ctrl-C), as types. `npm run contract:update` turns each `*Stream` type below into
 * test/contract/events/<command>.json; every JSONL line a command or system test sees is checked
 * against its command's schema (validate.ts), or against `AnyStream` for the other commands.
 * A new event type in a service shows up here through its type, and in a stale schema in the
 * contract test.
 */
import type {ErrorJson} from '../../src/base-command.js'
import type {BidEvent} from '../../src/commands/bids.js'
import type {DevLogLine} from '../../src/commands/dev/logs.js'
import type {StepEvent} from '../../src/output/events.js'
import type {ProviderEvent} from '../../src/provider/events.js'
import type {DevEvent} from '../../src/services/dev/index.js'
import type {DeployEvent} from '../../src/services/deploy/events.js'
import type {LeaseReclaimingEvent} from '../../src/services/lease/reclaim-watch.js'
import type {UpdateEvent} from '../../src/services/lease/update.js'
import type {VerifyEvent} from '../../src/services/verify/verify-lease.js'
import type {MintEvent} from '../../src/services/mint.js'
import type {LeaseEventJson} from '../../src/ui/sinks/lease-events.js'
import type {LogLineJson, LogNewsJson} from '../../src/ui/sinks/logs.js'

/** The last line of a run that succeeded; `result` is checked against the command's --json result schema. */
export type ResultLine = {type: 'result'; ts: string; ok: true; result: unknown; warnings: string[]}
/** The last line of a run that failed: the error, as in the --json error envelope. */
export type ErrorLine = {type: 'error'; ts: string; ok: false; error: ErrorJson}
/** A warning (Output.warn), also kept for the result's `warnings`. */
export type WarningLine = {type: 'warning'; ts: string; message: string}
/** What every command may print in JSONL: step progress (Output.progress), warnings, the end. */
export type AnyStream = StepEvent | WarningLine | ResultLine | ErrorLine

/** A lease going into reclamation (AEP-82), said as it happens while following. */
export type ReclaimingLine = LeaseReclaimingEvent & {ts: string}

export type DeployStream = DeployEvent | LogLineJson | LogNewsJson | ReclaimingLine | AnyStream
export type LogsStream = LogLineJson | LogNewsJson | AnyStream
export type EventsStream = LeaseEventJson | ReclaimingLine | AnyStream
export type BidsStream = BidEvent | AnyStream
export type ProvideStartStream = ProviderEvent | AnyStream
export type DevStartStream = DevEvent | AnyStream
export type WalletMintStream = (MintEvent & {ts: string}) | AnyStream
export type UpdateStream = UpdateEvent | AnyStream
export type DevLogsStream = DevLogLine | AnyStream
export type VerifyStream = (VerifyEvent & {ts?: string}) | AnyStream

/** Which type describes which command's lines. */
export const STREAMS = {
  deploy: 'DeployStream',
  logs: 'LogsStream',
  events: 'EventsStream',
  bids: 'BidsStream',
  'provide start': 'ProvideStartStream',
  'dev start': 'DevStartStream',
  'wallet mint': 'WalletMintStream',
  update: 'UpdateStream',
  'dev logs': 'DevLogsStream',
  verify: 'VerifyStream',
  '*': 'AnyStream',
} as const
