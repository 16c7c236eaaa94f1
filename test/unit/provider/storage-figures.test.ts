import {describe, expect, it} from 'vitest'

import {Capacity, persistentOffer} from '../../../src/provider/capacity/capacity.js'
import {fmtStorage} from '../../../src/output/quantities.js'
import {defaultCapacity} from '../../../src/provider/inventory/detect.js'

const GIB = 1024n ** 3n

describe('storage figures: provide init and provide status give the same ones (D21)', () => {
  const capacity = defaultCapacity({cpuCores: 4, memoryBytes: 8n * GIB, diskFreeBytes: 100n * GIB, diskTotalBytes: 200n * GIB, gpus: [], hostname: 'h'})

  it('ephemeral storage is the configured storageBytes; each persistent class is counted apart, not on top', () => {
    const totals = new Capacity(capacity).totals()
    expect(totals.ephemeralBytes).toBe(BigInt(capacity.storageBytes))
    expect(totals.persistentBytes).toEqual(persistentOffer(capacity))
    const offered = fmtStorage({ephemeral: BigInt(capacity.storageBytes), persistent: persistentOffer(capacity)})
    expect(offered).toBe('90 GiB storage, 45 GiB beta2 (persistent)')
    const held = fmtStorage({ephemeral: totals.ephemeralBytes, persistent: totals.persistentBytes}, {ephemeral: 0n, persistent: {}})
    expect(held).toBe('0 B of 90 GiB held; beta2 (persistent) 0 B of 45 GiB held')
  })

  it('a persistent class without bytes offers the ephemeral figure; ram is memory, not storage', () => {
    expect(persistentOffer({storageBytes: '100', storageClasses: [{class: 'beta3', persistent: true}, {class: 'ram', persistent: false}, {class: 'ram', persistent: true}]})).toEqual({beta3: 100n})
  })
})
