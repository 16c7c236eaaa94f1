import {statfs} from 'node:fs/promises'
import os from 'node:os'

import type {CapacityConfig, GpuConfig} from '../config/provider-config.js'
import {NVIDIA_SMI_ARGS, parseNvidiaSmi} from './nvidia.js'

export interface MachineFacts {
  cpuCores: number
  memoryBytes: bigint
  /** Free bytes on the file system that holds container data. */
  diskFreeBytes: bigint
  diskTotalBytes: bigint
  gpus: GpuConfig[]
  /** Why GPU detection found nothing (no nvidia-smi, driver error), for the init report. */
  gpuNote?: string
  hostname: string
}

export interface DetectOptions {
  /** Runs a command and resolves with stdout; rejects when it cannot run. Injected in tests. */
  exec?: (file: string, args: string[]) => Promise<string>
  /** Where container data lives (for the disk figure). */
  dataPath?: string
  cpus?: () => number
  totalMemory?: () => number
  statfs?: (path: string) => Promise<{bsize: number; blocks: number; bavail: number}>
}

/** CPU cores, memory, disk and NVIDIA GPUs of this machine. Absent GPUs are normal. */
export async function detectMachine(options: DetectOptions = {}): Promise<MachineFacts> {
  const exec = options.exec ?? defaultExec
  const cpuCores = options.cpus ? options.cpus() : os.availableParallelism?.() ?? os.cpus().length
  const memoryBytes = BigInt(options.totalMemory ? options.totalMemory() : os.totalmem())
  let diskFreeBytes = 0n
  let diskTotalBytes = 0n
  try {
    const s = await (options.statfs ?? statfs)(options.dataPath ?? os.homedir())
    diskFreeBytes = BigInt(s.bsize) * BigInt(s.bavail)
    diskTotalBytes = BigInt(s.bsize) * BigInt(s.blocks)
  } catch {
    // A path we cannot stat leaves the disk at 0: init asks for it instead.
  }
  let gpus: GpuConfig[] = []
  let gpuNote: string | undefined
  try {
    gpus = parseNvidiaSmi(await exec('nvidia-smi', NVIDIA_SMI_ARGS))
    if (gpus.length === 0) gpuNote = 'nvidia-smi listed no GPUs'
  } catch (error) {
    gpuNote = /ENOENT|not found/i.test(String((error as Error).message ?? error))
      ? 'no NVIDIA driver (nvidia-smi not found)'
      : `nvidia-smi failed: ${firstLine((error as Error).message ?? String(error))}`
  }
  return {cpuCores, memoryBytes, diskFreeBytes, diskTotalBytes, gpus, ...(gpuNote ? {gpuNote} : {}), hostname: os.hostname()}
}

/**
 * What the provider offers by default: everything but a reserve for the host itself (one core or
 * 10 %, 1 GiB or 10 % of memory, 10 % of the free disk).
 */
export function defaultCapacity(facts: MachineFacts): CapacityConfig {
  const cpuMillis = Math.max(1000, facts.cpuCores * 1000 - Math.max(1000, Math.floor(facts.cpuCores * 100)))
  const memReserve = bigMax(1n << 30n, facts.memoryBytes / 10n)
  const memoryBytes = bigMax(0n, facts.memoryBytes - memReserve)
  const storageBytes = (facts.diskFreeBytes * 9n) / 10n
  return {
    cpuMillis,
    memoryBytes: memoryBytes.toString(),
    storageBytes: storageBytes.toString(),
    gpus: facts.gpus,
    storageClasses: [{class: 'beta2', persistent: true, bytes: (storageBytes / 2n).toString()}],
  }
}

const bigMax = (a: bigint, b: bigint) => (a > b ? a : b)

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 200)
}

async function defaultExec(file: string, args: string[]): Promise<string> {
  const {execa} = await import('execa')
  const result = await execa(file, args, {timeout: 10_000})
  return result.stdout
}
