/**
 * Verifying a receipt: the signature, who signed it, and (given a chain endpoint) that the facts it
 * states are the chain's. Each part is its own check, so a refusal names what failed: the signature
 * (the file was changed), the signer (the key is not the named address's, or does not own the
 * lease), the account's key on chain, the lease (never existed; another provider), the heights, the
 * price, the manifest version.
 */
import {parseLegacyDec} from '../../sdl/dec.js'
import {type VerifyCheck, type VerifyReport, failCheck, passCheck, report, skipCheck, warnCheck} from '../check.js'
import type {ReceiptChain, ReceiptLeaseFacts} from './chain.js'
import {fromBase64, verifyEnvelopeSignature} from './dsse.js'
import {addressOf, isPublicKey, prefixOf} from './key.js'
import {parseReceipt} from './parse.js'
import type {ReceiptStatement} from './types.js'

export interface ReceiptVerifyOptions {
  /** Checks the facts against this chain; without it only the signature and signer are checked. */
  chain?: ReceiptChain
  /** An address the verifier expects the receipt to be signed by. */
  expectedSigner?: string
}

export interface ReceiptVerdict extends VerifyReport {
  /** The statement, once it parsed (whatever the other checks say). */
  statement?: ReceiptStatement
}

export async function verifyReceipt(input: unknown, options: ReceiptVerifyOptions = {}): Promise<ReceiptVerdict> {
  const parsed = parseReceipt(input)
  if (!parsed.ok) return report([failCheck('receipt.parse', parsed.problem)])
  const {envelope, payload, statement} = parsed
  const p = statement.predicate
  const checks: VerifyCheck[] = [passCheck('receipt.parse', `an in-toto statement (${statement.predicateType}) in a DSSE envelope`, {subjects: statement.subject.length})]

  // Signature: by the public key the payload carries, over PAE(type, payload).
  const tenantSig = envelope.signatures.find((s) => s.keyid === p.tenant.address) ?? envelope.signatures[0]
  const publicKey = fromBase64(p.tenant.pubkey)
  const signature = fromBase64(tenantSig.sig)
  const keyHex = publicKey ? Buffer.from(publicKey).toString('hex') : undefined
  if (!publicKey || !isPublicKey(publicKey)) {
    checks.push(failCheck('receipt.signature', "the receipt's tenant public key is not a compressed secp256k1 key"))
  } else if (!signature || signature.length !== 64) {
    checks.push(failCheck('receipt.signature', 'the signature is not a 64-byte secp256k1 signature (r‖s)'))
  } else if (!verifyEnvelopeSignature(envelope, payload, signature, publicKey)) {
    checks.push(failCheck('receipt.signature', 'the signature does not match the payload: the receipt was changed after it was signed, or signed by another key', {pubkey: keyHex}))
  } else {
    checks.push(passCheck('receipt.signature', 'the payload is signed by the public key it names', {pubkey: keyHex}))
  }

  // Signer: the key is the tenant's address, the keyid says so, and the tenant owns the lease.
  if (publicKey && isPublicKey(publicKey)) {
    const derived = addressOf(publicKey, prefixOf(p.tenant.address) ?? 'akash')
    const problems: string[] = []
    if (derived !== p.tenant.address) problems.push(`the public key hashes to ${derived}, but the receipt names ${p.tenant.address} as its signer`)
    if (tenantSig.keyid !== p.tenant.address) problems.push(`the signature's keyid is "${tenantSig.keyid}", not the tenant ${p.tenant.address}`)
    if (p.lease.owner !== p.tenant.address) problems.push(`the lease is owned by ${p.lease.owner}; the receipt is signed by ${p.tenant.address}`)
    if (options.expectedSigner && options.expectedSigner !== p.tenant.address) problems.push(`signed by ${p.tenant.address}; expected ${options.expectedSigner}`)
    checks.push(
      problems.length > 0
        ? failCheck('receipt.signer', problems.join('; '), {address: p.tenant.address, derived})
        : passCheck('receipt.signer', `the key is ${p.tenant.address}'s, the owner of the lease`, {address: p.tenant.address}),
    )
  }

  if (!options.chain) {
    checks.push(skipCheck('receipt.chain', 'not compared with the chain: give a chain endpoint to check the account key, lease, heights, price and version'))
  } else {
    checks.push(...(await chainChecks(statement, publicKey, options.chain)))
  }
  return {...report(checks), statement}
}

async function chainChecks(statement: ReceiptStatement, publicKey: Uint8Array | undefined, chain: ReceiptChain): Promise<VerifyCheck[]> {
  const p = statement.predicate
  const order = {owner: p.lease.owner, dseq: BigInt(p.lease.dseq), gseq: p.lease.gseq, oseq: p.lease.oseq}
  const leaseName = `${order.owner}/${order.dseq}/${order.gseq}/${order.oseq}`
  let chainId: string
  let account: Awaited<ReturnType<ReceiptChain['account']>>
  let leases: ReceiptLeaseFacts[]
  let deployment: Awaited<ReturnType<ReceiptChain['deployment']>>
  try {
    chainId = await chain.chainId()
    if (chainId !== p.network.chainId) {
      return [failCheck('receipt.network', `the receipt is for chain ${p.network.chainId}; the endpoint serves ${chainId}`, {receipt: p.network.chainId, chain: chainId})]
    }
    ;[account, leases, deployment] = await Promise.all([chain.account(p.tenant.address), chain.leases(order), chain.deployment(order.owner, order.dseq)])
  } catch (error) {
    return [warnCheck('receipt.chain', `not compared with the chain: ${error instanceof Error ? error.message : String(error)}`)]
  }
  const checks: VerifyCheck[] = [passCheck('receipt.network', `chain ${chainId}`)]

  if (!account) checks.push(failCheck('receipt.account_pubkey', `no account ${p.tenant.address} exists on ${chainId}`))
  else if (!account.pubkey) checks.push(warnCheck('receipt.account_pubkey', `${p.tenant.address} has published no public key on chain (it never signed a transaction); the key was checked against the address only`))
  else if (!publicKey || Buffer.compare(Buffer.from(account.pubkey), Buffer.from(publicKey)) !== 0) {
    checks.push(failCheck('receipt.account_pubkey', `the public key of ${p.tenant.address} on chain differs from the receipt's`, {chain: Buffer.from(account.pubkey).toString('hex'), receipt: publicKey ? Buffer.from(publicKey).toString('hex') : ''}))
  } else checks.push(passCheck('receipt.account_pubkey', `the receipt's key is ${p.tenant.address}'s public key on chain`))

  if (leases.length === 0) {
    checks.push(failCheck('receipt.lease', `no lease ${leaseName} ever existed on ${chainId}`))
  } else {
    const lease = leases.find((l) => l.provider === p.lease.provider)
    checks.push(passCheck('receipt.lease', `lease ${leaseName} exists on ${chainId} (${leases[0].state})`))
    if (!lease) {
      checks.push(failCheck('receipt.provider', `the lease ${leaseName} is with ${leases.map((l) => l.provider).join(', ')} on chain; the receipt says ${p.lease.provider}`))
    } else {
      checks.push(passCheck('receipt.provider', `the lease is with ${lease.provider}`))
      checks.push(heightCheck(p, lease, deployment))
      checks.push(priceCheck(p, lease))
    }
  }

  if (!deployment) checks.push(failCheck('receipt.version', `no deployment ${order.owner}/${order.dseq} on ${chainId}`))
  else if (deployment.version !== p.manifest.version) {
    checks.push(failCheck('receipt.version', `the deployment's manifest version on chain is ${deployment.version.slice(0, 16)}…; the receipt's is ${p.manifest.version.slice(0, 16)}… (an update after the receipt also changes it)`, {chain: deployment.version, receipt: p.manifest.version}))
  } else checks.push(passCheck('receipt.version', `manifest version ${p.manifest.version.slice(0, 16)}… as on chain`))
  return checks
}

function heightCheck(p: ReceiptStatement['predicate'], lease: ReceiptLeaseFacts, deployment: {createdAt: number} | undefined): VerifyCheck {
  const h = p.heights
  const closed = lease.closedOn && lease.closedOn > 0 ? lease.closedOn : undefined
  const diffs: string[] = []
  if (h.leaseCreated !== lease.createdAt) diffs.push(`the lease was created at height ${lease.createdAt} on chain, ${h.leaseCreated} in the receipt`)
  if (h.leaseClosed !== undefined && h.leaseClosed !== closed) {
    diffs.push(closed === undefined ? `the receipt says the lease closed at ${h.leaseClosed}; on chain it is open` : `the lease closed at ${closed} on chain, ${h.leaseClosed} in the receipt`)
  }
  if (h.deploymentCreated !== undefined && deployment && h.deploymentCreated !== deployment.createdAt) {
    diffs.push(`the deployment was created at ${deployment.createdAt} on chain, ${h.deploymentCreated} in the receipt`)
  }
  const evidence = {lease_created: lease.createdAt, lease_closed: closed, deployment_created: deployment?.createdAt}
  if (diffs.length > 0) return failCheck('receipt.heights', diffs.join('; '), evidence)
  return passCheck('receipt.heights', `lease created at ${lease.createdAt}${h.leaseClosed !== undefined ? `, closed at ${h.leaseClosed}` : ''}, as on chain`, evidence)
}

function priceCheck(p: ReceiptStatement['predicate'], lease: ReceiptLeaseFacts): VerifyCheck {
  if (!lease.price) return skipCheck('receipt.price', 'the chain did not say the lease price')
  const claimed = parseLegacyDec(p.price.perBlock)
  if (!claimed.ok || claimed.value !== lease.price.amount || p.price.denom !== lease.price.denom) {
    const onChain = `${formatDec(lease.price.amount)} ${lease.price.denom}`
    return failCheck('receipt.price', `the lease's price on chain is ${onChain} per block; the receipt says ${p.price.perBlock} ${p.price.denom}`)
  }
  return passCheck('receipt.price', `${p.price.perBlock} ${p.price.denom} per block, as on chain`)
}

function formatDec(scaled: bigint): string {
  const whole = scaled / 10n ** 18n
  const frac = (scaled % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}
