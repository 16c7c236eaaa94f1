/**
 * `edge verify DSEQ`: for each running lease of the deployment, and each of its services, the
 * hardware probe and the demand tests inside the container (over the provider's shell API), then
 * the lease's TEE attestation. Yields what happens as it happens; returns every check, the overall
 * status and whether the `--require`d families hold. Never prints.
 */
import {UsageError} from '../../errors.js'
import {type VerifyCheck, type VerifyStatus, overallStatus, skipCheck, warnCheck} from '../../verify/check.js'
import {type DemandOptions, runDemandTests} from '../../verify/demand/index.js'
import {providerShellExec} from '../../verify/exec.js'
import {runProbe} from '../../verify/probe/index.js'
import type {TenantContext} from '../lease/context.js'
import {type LeaseHandle, activeLeases, requireDeployment} from '../lease/lease.js'
import {type AttestationOutcome, attestLease} from './attest.js'
import {type ServiceClaim, confidentialGpus, serviceClaims} from './claims.js'
import {type Family, type RequirementResult, checkRequirements} from './require.js'

export type VerifyStep = 'probe' | 'demand' | 'attestation'

export interface VerifyRequest {
  dseq: bigint
  /** Only this service (default: all). */
  service?: string
  /** Families that must hold for `ok` (see require.ts). */
  require: Family[]
  /** Steps not to run. */
  skip?: VerifyStep[]
  /** Fetch VCEKs / TDX collateral when not cached (default true). */
  fetchCollateral?: boolean
  expectedMeasurement?: string
  demand?: Omit<DemandOptions, 'signal'>
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
}

/** A check of one lease (and service), as `edge verify` lists them. */
export type LeaseCheck = VerifyCheck & {provider: string; service?: string}

export type VerifyEvent =
  | {type: 'step'; step: VerifyStep; provider: string; service?: string}
  | {type: 'check'; check: LeaseCheck}

export interface VerifyLeaseSummary {
  provider: string
  hostUri: string
  gseq: number
  oseq: number
  services: Array<{name: string; image: string; claimSource: ServiceClaim['source']; status: VerifyStatus}>
  attestation?: Omit<AttestationOutcome, 'checks'>
}

export interface VerifyResult {
  dseq: bigint
  network: string
  /** fail > mock > warn > pass > skip over every check. */
  status: VerifyStatus
  /** Every `--require`d family holds. */
  ok: boolean
  required: RequirementResult[]
  leases: VerifyLeaseSummary[]
  checks: LeaseCheck[]
}

export async function* verifyDeployment(ctx: TenantContext, request: VerifyRequest): AsyncGenerator<VerifyEvent, VerifyResult> {
  const deployment = await requireDeployment(ctx, request.dseq)
  const handles = await activeLeases(ctx, request.dseq)
  const skip = new Set(request.skip ?? [])
  const all: LeaseCheck[] = []
  const leases: VerifyLeaseSummary[] = []
  let matchedService = !request.service
  for (const handle of handles) {
    const provider = handle.provider.owner
    const manifest = await handle.client.leaseManifest(handle.ref, request.signal)
    const claims = serviceClaims(deployment, handle.ref.gseq, manifest, handle.provider.attributes).filter((c) => !request.service || c.service === request.service)
    if (claims.length > 0) matchedService = true
    const summary: VerifyLeaseSummary = {provider, hostUri: handle.provider.hostUri, gseq: handle.ref.gseq, oseq: handle.ref.oseq, services: []}
    for (const sc of claims) {
      const mine: LeaseCheck[] = []
      const emit = (c: VerifyCheck): LeaseCheck => {
        const check = {...c, provider, service: sc.service}
        mine.push(check)
        all.push(check)
        return check
      }
      if (sc.source === 'manifest') {
        yield {type: 'check', check: emit(warnCheck('probe.claim', "no resource unit of the order matches this service; its claim is taken from the provider's manifest"))}
      }
      yield* steps(handle, sc, request, skip, emit)
      summary.services.push({name: sc.service, image: sc.image, claimSource: sc.source, status: overallStatus(mine)})
    }
    if (!skip.has('attestation') && claims.length > 0) {
      yield {type: 'step', step: 'attestation', provider}
      const outcome = await attestLease(handle.client, handle.ref, {
        teeRequested: claims.some((c) => c.teeRequested),
        expectGpus: confidentialGpus(claims),
        network: request.fetchCollateral,
        expectedMeasurement: request.expectedMeasurement,
        env: request.env,
        signal: request.signal,
      })
      const {checks, ...rest} = outcome
      summary.attestation = rest
      for (const c of checks) {
        const check = {...c, provider}
        all.push(check)
        yield {type: 'check', check}
      }
    }
    leases.push(summary)
  }
  if (!matchedService) {
    throw new UsageError(`Deployment ${request.dseq} has no service "${request.service}".`, {code: 'service_not_found', hint: 'Run `edge status DSEQ` to see its services.'})
  }
  const required = checkRequirements(all, request.require)
  return {dseq: request.dseq, network: ctx.network.name, status: overallStatus(all), ok: required.every((r) => r.ok), required, leases, checks: all}
}

async function* steps(handle: LeaseHandle, sc: ServiceClaim, request: VerifyRequest, skip: Set<VerifyStep>, emit: (c: VerifyCheck) => LeaseCheck): AsyncGenerator<VerifyEvent> {
  const provider = handle.provider.owner
  const exec = providerShellExec(handle.client, handle.ref, sc.service)
  if (!skip.has('probe')) {
    yield {type: 'step', step: 'probe', provider, service: sc.service}
    const probe = await runProbe(exec, sc.claim, {signal: request.signal})
    for (const c of probe.checks) yield {type: 'check', check: emit(c)}
  }
  if (request.signal?.aborted) return
  if (!skip.has('demand')) {
    yield {type: 'step', step: 'demand', provider, service: sc.service}
    const demand = await runDemandTests(exec, sc.claim, {...request.demand, signal: request.signal})
    for (const c of demand.checks) yield {type: 'check', check: emit(c)}
  } else {
    yield {type: 'check', check: emit(skipCheck('demand.skipped', 'the demand tests were not run (--skip demand)'))}
  }
}
