import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {BUILT_IN_NETWORKS} from '../../../src/config/networks.js'
import {loadProviderConfig, saveProviderConfig, validateProviderConfig} from '../../../src/provider/config/provider-config.js'
import {keepIngressPort} from '../../../src/services/provide/start.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

async function saved(network: string, listen?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ingress-port-'))
  dirs.push(dir)
  const env = {EDGE_DATA_DIR: dir, EDGE_CONFIG_DIR: join(dir, 'config')}
  const config = validateProviderConfig({name: 'default', network, hostUri: 'https://127.0.0.1:8443', ingress: {domain: 'localhost', ...(listen ? {listen} : {})}})
  await saveProviderConfig(config, env)
  return {config, env}
}

describe('the ingress port of an edge dev provider', () => {
  it('is chosen once: the port the first start got is written to provider.yaml, so lease URIs survive a restart', async () => {
    const {config, env} = await saved('local')
    await keepIngressPort(config, BUILT_IN_NETWORKS.local, 'http://127.0.0.1:38869', env)
    expect((await loadProviderConfig('default', env)).ingress.listen).toBe('127.0.0.1:38869')
    // A second start keeps it.
    await keepIngressPort(await loadProviderConfig('default', env), BUILT_IN_NETWORKS.local, 'http://127.0.0.1:39721', env)
    expect((await loadProviderConfig('default', env)).ingress.listen).toBe('127.0.0.1:38869')
  })

  it('leaves a configured address, and other networks (whose default is a fixed port), alone', async () => {
    const chosen = await saved('local', '127.0.0.1:8080')
    await keepIngressPort(chosen.config, BUILT_IN_NETWORKS.local, 'http://127.0.0.1:8080', chosen.env)
    expect((await loadProviderConfig('default', chosen.env)).ingress.listen).toBe('127.0.0.1:8080')
    const mainnet = await saved('mainnet')
    await keepIngressPort(mainnet.config, BUILT_IN_NETWORKS.mainnet, 'http://127.0.0.1:80', mainnet.env)
    expect((await loadProviderConfig('default', mainnet.env)).ingress.listen).toBeUndefined()
  })
})
