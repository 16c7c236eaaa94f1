/**
 * `edge deploy --receipt FILE`: once the services are ready, a quick `edge verify` (probe and
 * attestation; the demand tests take long and load the new service, so `edge receipt DSEQ` runs
 * them later) and a signed receipt of the lease. A hook after the deploy, not a step of it: a
 * receipt that cannot be written is a warning, never a failed deploy.
 */
import {writeFileSync} from 'node:fs'

import {serializeReceipt} from '../../verify/receipt/index.js'
import type {TenantContext} from '../lease/context.js'
import {type ReceiptRequest, makeReceipt} from './receipt.js'
import {verifyDeployment} from './verify-lease.js'

export interface DeployReceipt {
  file: string
  /** Verify's overall status at deploy time. */
  verify?: string
}

export async function writeDeployReceipt(
  ctx: TenantContext,
  dseq: bigint,
  file: string,
  options: {sdlFile?: string; version?: string; signal?: AbortSignal; warn(message: string): void} & Pick<ReceiptRequest, 'outputs' | 'redundancy'>,
): Promise<DeployReceipt | undefined> {
  try {
    const run = verifyDeployment(ctx, {dseq, require: [], skip: ['demand'], signal: options.signal})
    let next = await run.next()
    while (!next.done) next = await run.next()
    const verify = next.value
    const receipt = await makeReceipt(ctx, {
      dseq,
      verify,
      ...(options.sdlFile ? {sdlFile: options.sdlFile} : {}),
      ...(options.outputs ? {outputs: options.outputs} : {}),
      ...(options.redundancy ? {redundancy: options.redundancy} : {}),
      generatorVersion: options.version,
      signal: options.signal,
    })
    writeFileSync(file, serializeReceipt(receipt.envelope))
    for (const m of receipt.missing) options.warn(`The receipt has no ${m}.`)
    for (const w of receipt.warnings) options.warn(`${w.charAt(0).toUpperCase()}${w.slice(1)}.`)
    return {file, verify: verify.status}
  } catch (error) {
    options.warn(`No receipt was written to ${file}: ${error instanceof Error ? error.message : String(error)}. Write one later with \`edge receipt ${dseq} --out ${file}\`.`)
    return undefined
  }
}
