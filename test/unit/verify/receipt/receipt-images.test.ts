import {describe, expect, it} from 'vitest'

import type {LeaseStatus} from '../../../../src/provider-client/types.js'
import {receiptImages} from '../../../../src/services/verify/receipt-images.js'
import {type ReceiptStatement, createReceipt, decodeStatement, verifyReceipt} from '../../../../src/verify/receipt/index.js'
import {fakeChain, honestChain, keys, receiptInput} from './fixtures.js'

const RUNS = `sha256:${'b'.repeat(64)}`
const PINNED = `sha256:${'1'.repeat(64)}`
const IMAGE_ID = `sha256:${'c'.repeat(64)}`
const DOCKER = {kind: 'docker', engine: 'Podman Engine', isolated: true, uses_images: true, terminal: true}

/** A lease status as edge's provider serves it, reporting `images`. */
function status(images: NonNullable<LeaseStatus['edge']>['images'], runtime = DOCKER): LeaseStatus {
  return {services: {}, edge: {runtime, deploying: false, failures: [], warnings: [], ...(images ? {images} : {})}}
}

describe('a receipt\'s images, from the manifest and the provider\'s lease status', () => {
  it('records the digest the provider reports it runs, as the provider\'s', () => {
    const r = receiptImages([{name: 'web', image: 'busybox:1.36'}], status([{service: 'web', image: 'docker.io/library/busybox:1.36', digest: RUNS, digest_of: 'manifest'}]))
    expect(r.images).toEqual([{service: 'web', image: 'busybox:1.36', digest: RUNS, digestSource: 'provider', digestOf: 'manifest'}])
    expect(r.missing).toEqual([])
    expect(r.warnings).toEqual([])
  })

  it('keeps a pinned digest the provider confirms as the provider\'s word, and one it contradicts as the SDL\'s, warning with both', () => {
    const pinned = {name: 'job', image: `ghcr.io/x/job@${PINNED}`}
    const agrees = receiptImages([pinned], status([{service: 'job', image: pinned.image, digest: PINNED, digest_of: 'manifest'}]))
    expect(agrees.images).toEqual([{service: 'job', image: pinned.image, digest: PINNED, digestSource: 'provider', digestOf: 'manifest'}])
    expect(agrees.warnings).toEqual([])

    const differs = receiptImages([pinned], status([{service: 'job', image: pinned.image, digest: RUNS, digest_of: 'manifest'}]))
    expect(differs.images).toEqual([{service: 'job', image: pinned.image, digest: PINNED, digestSource: 'sdl', providerDigest: RUNS}])
    expect(differs.warnings).toHaveLength(1)
    expect(differs.warnings[0]).toContain(`the SDL pins ${pinned.image}`)
    expect(differs.warnings[0]).toContain(`the provider reports it runs ${RUNS}`)
  })

  it('does not call an image id a contradiction of a pinned manifest digest', () => {
    const pinned = {name: 'job', image: `ghcr.io/x/job@${PINNED}`}
    const r = receiptImages([pinned], status([{service: 'job', image: pinned.image, digest: IMAGE_ID, digest_of: 'config'}]))
    expect(r.images).toEqual([{service: 'job', image: pinned.image, digest: PINNED, digestSource: 'sdl'}])
    expect(r.warnings[0]).toMatch(/reports only the image id of job .* cannot be compared/)
    // Unpinned: the image id is recorded, and said to be one.
    const loose = receiptImages([{name: 'job', image: 'app:dev'}], status([{service: 'job', image: 'app:dev', digest: IMAGE_ID, digest_of: 'config'}]))
    expect(loose.images).toEqual([{service: 'job', image: 'app:dev', digest: IMAGE_ID, digestSource: 'provider', digestOf: 'config'}])
  })

  it('falls back to pinned digests, saying why, where the provider reports none', () => {
    const services = [
      {name: 'web', image: 'busybox:1.36'},
      {name: 'job', image: `ghcr.io/x/job@${PINNED}`},
    ]
    const sdlOnly = [{service: 'web', image: 'busybox:1.36'}, {service: 'job', image: services[1].image, digest: PINNED, digestSource: 'sdl'}]
    // Akash's providers: no `edge` member.
    const akash = receiptImages(services, {services: {}})
    expect(akash.images).toEqual(sdlOnly)
    expect(akash.missing).toEqual([expect.stringMatching(/does not report what its containers run/)])
    const down = receiptImages(services, new Error('connection refused'))
    expect(down.images).toEqual(sdlOnly)
    expect(down.missing).toEqual([expect.stringMatching(/lease status did not answer \(connection refused\)/)])
    // An edge provider with no container of `job` (yet).
    const partial = receiptImages(services, status([{service: 'web', image: 'busybox:1.36', digest: RUNS, digest_of: 'manifest'}]))
    expect(partial.images[1]).toEqual(sdlOnly[1])
    expect(partial.missing).toEqual([expect.stringMatching(/image digest of job .* no running container/)])
  })

  it('records no digest for a host-process lease, and says the provider runs no images', () => {
    const r = receiptImages([{name: 'job', image: `ghcr.io/x/job@${PINNED}`}], status(undefined, {...DOCKER, kind: 'process', engine: 'host processes', isolated: false, uses_images: false}))
    expect(r.images).toEqual([{service: 'job', image: `ghcr.io/x/job@${PINNED}`, notRun: true}])
    expect(r.missing).toEqual([expect.stringMatching(/runs host processes, not images/)])
  })

  it('makes subjects of provider digests (an image id under its own name), and the receipt still verifies', async () => {
    const k = await keys()
    const input = receiptInput(k.tenant.address)
    input.images = [
      {service: 'web', image: 'busybox:1.36', digest: RUNS, digestSource: 'provider', digestOf: 'manifest'},
      {service: 'job', image: `ghcr.io/example/job@${PINNED}`, digest: PINNED, digestSource: 'sdl', providerDigest: RUNS.toUpperCase().replace('SHA256', 'sha256')},
      {service: 'dev', image: 'app:dev', digest: IMAGE_ID, digestSource: 'provider', digestOf: 'config'},
      {service: 'cmd', image: 'alpine:3', notRun: true},
    ]
    const envelope = await createReceipt(input, k.tenantSigner)
    const statement = decodeStatement(envelope) as ReceiptStatement
    expect(statement.subject.filter((s) => !['manifest', 'sdl:deploy.yaml'].includes(s.name) && !s.name.startsWith('output:'))).toEqual([
      {name: 'busybox:1.36', digest: {sha256: 'b'.repeat(64)}},
      {name: 'ghcr.io/example/job', digest: {sha256: '1'.repeat(64)}},
      {name: 'image-config:app:dev', digest: {sha256: 'c'.repeat(64)}},
    ])
    expect(statement.predicate.images[1].providerDigest).toBe(RUNS)
    const verdict = await verifyReceipt(JSON.stringify(envelope), {chain: fakeChain(honestChain(k.tenant.address, k.tenant.pubkey))})
    expect(verdict.status, JSON.stringify(verdict.checks)).toBe('pass')
  })
})
