import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Keystore} from '../../../src/config/keystore.js'
import {type TestChain, startChain} from '../deploy/chain.js'

let chain: TestChain

beforeAll(async () => {
  chain = await startChain()
  // The tenant signs through the keystore's `dev` key (as after `edge dev start`), not EDGE_MNEMONIC.
  await new Keystore(join(chain.dir, 'data', 'keys')).add('dev', chain.tenant.mnemonic, '', {dev: true})
  delete process.env.EDGE_MNEMONIC
}, 120_000)

afterAll(async () => {
  delete process.env.EDGE_PASSPHRASE
  await chain?.stop()
})

describe('the edge dev key and an EDGE_PASSPHRASE meant for another key (D11)', () => {
  it('deploy --dry-run signs with the dev key, which has no passphrase, whatever EDGE_PASSPHRASE holds', async () => {
    process.env.EDGE_PASSPHRASE = 'correct horse 42'
    const {error, json} = await chain.edge('deploy', 'templates/hello', '--dry-run', '--json')
    expect(error, JSON.stringify(json?.error)).toBeUndefined()
    expect(json.result).toMatchObject({state: 'dry-run'})
  })
})
