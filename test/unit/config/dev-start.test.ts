import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {devStartCommand} from '../../../src/config/dev-start.js'
import {BUILT_IN_NETWORKS} from '../../../src/config/networks.js'
import {openSettings} from '../../../src/config/settings.js'
import {chainError} from '../../../src/market/akash/errors.js'
import {fundDev} from '../../../src/services/dev/index.js'

const custom = {rpc: 'http://127.0.0.1:36657', grpc: 'http://127.0.0.1:39090', rest: 'http://127.0.0.1:31317'}

describe('the edge dev start a hint suggests (D20)', () => {
  it('is bare on the default ports', () => {
    expect(devStartCommand(BUILT_IN_NETWORKS.local)).toBe('edge dev start')
  })

  it('repeats the ports (and a host other than loopback) of the last start', () => {
    expect(devStartCommand(custom)).toBe('edge dev start --rpc-port 36657 --grpc-port 39090 --rest-port 31317')
    expect(devStartCommand({...BUILT_IN_NETWORKS.local, rpc: 'http://10.0.0.5:26657'})).toBe('edge dev start --host 10.0.0.5')
  })

  it('is what "Cannot reach the local network" suggests after edge dev stop', () => {
    const local = {...BUILT_IN_NETWORKS.local, ...custom}
    const error = chainError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:36657'), {code: 'ECONNREFUSED'}), local, local.rpc, 'reading the latest block')
    expect(error.hint).toBe('Is edge dev running? Start it with `edge dev start --rpc-port 36657 --grpc-port 39090 --rest-port 31317`.')
  })

  it('is what edge dev fund suggests when the chain is stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-dev-hint-'))
    const env = {EDGE_CONFIG_DIR: join(dir, 'config'), EDGE_DATA_DIR: join(dir, 'data')}
    try {
      const settings = await openSettings(env)
      settings.set('networks', {local: {...BUILT_IN_NETWORKS.local, ...custom}})
      await expect(fundDev('akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem', ['1akt'], env)).rejects.toMatchObject({
        code: 'devnet_not_running',
        hint: 'Start it with `edge dev start --rpc-port 36657 --grpc-port 39090 --rest-port 31317`.',
      })
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
