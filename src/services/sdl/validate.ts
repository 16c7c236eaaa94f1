import {
  groupPrices,
  groupTotals,
  loadSdlFile,
  manifestVersion,
  type Sdl,
  type SdlIssue,
} from '../../sdl/index.js'
import type {BaseAmountText, CpuMillis, MemoryBytes, StorageBytes} from '../../protocol/json-fields.js'

export interface SdlValidateOptions {
  /** The denom the target network wants prices in (lint). */
  denom?: string
  /** Warnings fail the validation too. */
  strict?: boolean
  /** `go`: only what Akash's Go parser rejects is an error (see loadSdl). */
  rules?: 'strict' | 'go'
}

export interface SdlGroupSummary {
  name: string
  services: string[]
  replicas: number
  cpuMillis: CpuMillis
  memoryBytes: MemoryBytes
  storageBytes: StorageBytes
  /** Bytes of persistent volumes, all classes together, apart from the ephemeral storageBytes. */
  persistentStorageBytes: bigint
  gpus: number
  gpuModels: string[]
  /** The most the group pays per block: denom and amount × 10^18 (LegacyDec). */
  maxPricePerBlock: {denom: string; scaled: bigint; amount: BaseAmountText}
}

export interface SdlSummary {
  version: '2.0' | '2.1'
  services: string[]
  groups: SdlGroupSummary[]
  /** SHA-256 of the manifest, hex (MsgCreateDeployment.hash). */
  manifestVersion: string
}

export interface SdlValidation {
  file: string
  valid: boolean
  /** True when --strict made warnings count. */
  strict: boolean
  errors: SdlIssue[]
  warnings: SdlIssue[]
  summary?: SdlSummary
}

export async function validateSdlFile(file: string, options: SdlValidateOptions = {}): Promise<SdlValidation> {
  const result = await loadSdlFile(file, {denom: options.denom, rules: options.rules})
  const strict = Boolean(options.strict)
  return {
    file,
    valid: result.ok && (!strict || result.warnings.length === 0),
    strict,
    errors: result.errors,
    warnings: result.warnings,
    ...(result.sdl ? {summary: summarize(result.sdl)} : {}),
  }
}

export function summarize(sdl: Sdl): SdlSummary {
  const prices = groupPrices(sdl)
  return {
    version: sdl.version,
    services: Object.keys(sdl.model.services).sort(),
    groups: groupTotals(sdl).map((t, i) => ({
      name: t.group,
      services: t.services,
      replicas: t.replicas,
      cpuMillis: t.cpuMillis,
      memoryBytes: t.memoryBytes,
      // One meaning per field name: storageBytes is ephemeral storage here too, as in provide init and status.
      storageBytes: t.storageBytes - t.persistentStorageBytes,
      persistentStorageBytes: t.persistentStorageBytes,
      gpus: t.gpus,
      gpuModels: t.gpuModels,
      maxPricePerBlock: {denom: prices[i].denom, scaled: prices[i].perBlock, amount: prices[i].perBlockDecimal},
    })),
    manifestVersion: manifestVersion(sdl).hex,
  }
}
