import {existsSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {leaseHash, safeName} from '../labels.js'
import type {ManifestExpose} from '../manifest-types.js'
import type {LeaseId} from '../types.js'

/**
 * The process runtime's state on disk: one directory per lease (lease.json) with one directory
 * per replica (state.json, its logs and working directory), so a restarted provider finds its
 * processes again.
 */

export interface LeaseFile {
  lease: LeaseId
  group: string
  manifestVersion?: string
  /** `generation`: the spec revision (1 at deploy, +1 per changed spec); absent in older files. */
  services: {name: string; count: number; specHash: string; generation?: number; expose: ManifestExpose[]; absolutePaths?: string[]}[]
}

export interface ReplicaFile {
  service: string
  replica: number
  /** -1 when the command could not be started. */
  pid: number
  startTime?: string
  specHash: string
  generation?: number
  startedAt: number
  exitCode?: number
  env: string[]
  /** The command line and the manifest's env, so a crashed replica can be restarted without the manifest. */
  argv?: string[]
  specEnv?: string[]
  /** The exit code of the run before this one (a replica restarted after exiting). */
  lastExitCode?: number
  /** Host port per manifest port (`8080/TCP` → 41234): the replica's own, kept across restarts. */
  ports?: Record<string, number>
  /** Times the provider restarted it after it exited. */
  restarts?: number
  /** Consecutive exits, for the back-off. */
  crashes?: number
  /** When it was seen exited. */
  finishedAt?: number
  /** When the provider restarts it next. */
  nextRestartAt?: number
  /** Stopped on purpose by the provider (update, teardown): neither restarted nor a failure. */
  stopping?: boolean
  /** Why the command could not be started. */
  startError?: string
  /**
   * Where its spec's output starts in stdout.log and stderr.log (bytes): the files outlive a spec
   * change, and a failure's last lines must not be what the replaced spec printed.
   */
  logFrom?: {stdout: number; stderr: number}
}

/** Kubernetes-style name of a port in the replica file. */
export const portName = (port: number, proto: string) => `${port}/${proto}`

/** Where each lease's and replica's files live under the runtime's root. */
export class LeaseFiles {
  constructor(
    private readonly root: string,
    /** This provider's address: only its leases are listed. */
    private readonly provider?: string,
  ) {}

  leaseDir(lease: LeaseId): string {
    return path.join(this.root, leaseHash(lease, 16))
  }

  replicaDir(lease: LeaseId, service: string, replica: number): string {
    return path.join(this.leaseDir(lease), `${safeName(service)}-${replica}`)
  }

  readLease(lease: LeaseId): LeaseFile | undefined {
    return readJson<LeaseFile>(path.join(this.leaseDir(lease), 'lease.json'))
  }

  /** Lease files of this provider's leases. */
  leaseFiles(): LeaseFile[] {
    if (!existsSync(this.root)) return []
    const out: LeaseFile[] = []
    for (const dir of readdirSync(this.root)) {
      const file = readJson<LeaseFile>(path.join(this.root, dir, 'lease.json'))
      if (!file) continue
      if (this.provider && file.lease.provider !== this.provider) continue
      out.push(file)
    }
    return out
  }

  readReplica(lease: LeaseId, service: string, replica: number): ReplicaFile | undefined {
    return readJson<ReplicaFile>(path.join(this.replicaDir(lease, service, replica), 'state.json'))
  }

  allReplicas(lease: LeaseId): Array<{dir: string; state: ReplicaFile}> {
    const dir = this.leaseDir(lease)
    if (!existsSync(dir)) return []
    const out: Array<{dir: string; state: ReplicaFile}> = []
    for (const d of readdirSync(dir)) {
      const state = readJson<ReplicaFile>(path.join(dir, d, 'state.json'))
      if (state) out.push({dir: path.join(dir, d), state})
    }
    return out
  }
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** writeJsonAtomic for event handlers: false (not a crash) when the directory is gone. */
export function tryWriteJson(file: string, value: unknown): boolean {
  try {
    writeJsonAtomic(file, value)
    return true
  } catch {
    return false
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(value))
  renameSync(tmp, file)
}
