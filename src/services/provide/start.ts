import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {NetworkContext} from '../../config/networks.js'
import {providerDir} from '../../config/paths.js'
import {UsageError} from '../../errors.js'
import {keepLogRotated} from '../../lib/log-rotation.js'
import {type ProviderConfig, configPath, loadProviderConfig, saveProviderConfig} from '../../provider/config/provider-config.js'
import {EventHub} from '../../provider/events.js'
import {type ProviderHandle, startProvider} from '../../provider/provider.js'
import type {Session} from '../session.js'
import type {SignerChoice} from '../signer.js'
import {providerMnemonic} from './keys.js'
import {checkOnChainFields} from './on-chain-fields.js'
import {PID_FILE, livePid} from './pid-file.js'

/** Set on local providers: the pid of the edge dev node they serve; they stop when it is gone. */
export const DEV_NODE_PID_ENV = 'EDGE_DEV_NODE_PID'

/**
 * Set on local providers: the log file their stdout and stderr append to, which the provider keeps rotated
 * (size-bounded, a few old files kept), since no one else looks after it (D37).
 */
export const PROVIDER_LOG_ENV = 'EDGE_PROVIDER_LOG_FILE'

/** The stream a running provider reports on: subscribe before runProvider to see the startup events. */
export function providerEvents(): EventHub {
  return new EventHub()
}

export interface RunProviderOptions {
  name: string
  interactive: boolean
  /** The terminal's masked prompt, for the provider key's passphrase. */
  promptPassword?: SignerChoice['promptPassword']
  gatewayPort?: number
  ingressPort?: number
  env?: NodeJS.ProcessEnv
  /** Subscribe to it before calling to see the startup events. */
  events?: EventHub
}

export interface RunningProvider extends ProviderHandle {
  config: ProviderConfig
  dir: string
}

/** The provider's config; commands read it first to learn which network it serves. */
export function readProviderConfig(name: string, env: NodeJS.ProcessEnv = process.env): Promise<ProviderConfig> {
  return loadProviderConfig(name, env)
}

/**
 * `edge provide start`: unlocks the provider key, starts the provider (see provider/provider.ts)
 * and records its pid so `edge provide status` can tell it is running. One process per provider.
 */
export async function runProvider(session: Session, options: RunProviderOptions): Promise<RunningProvider> {
  const env = options.env ?? process.env
  const config = await loadProviderConfig(options.name, env)
  if (config.network !== session.network.name) {
    throw new UsageError(`Provider "${config.name}" serves the ${config.network} network, not ${session.network.name}.`, {
      hint: `Run with --network ${config.network}, or run \`edge provide init --name ${config.name}\` on ${session.network.name}.`,
    })
  }
  // provider.yaml may have been edited by hand since init checked it: nothing unprintable goes on chain.
  checkOnChainFields(config, configPath(config.name, env))
  const dir = providerDir(config.name, env)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const pidFile = join(dir, PID_FILE)
  const other = livePid(pidFile)
  if (other && other !== process.pid) {
    throw new UsageError(`Provider "${config.name}" is already running (pid ${other}).`, {
      code: 'provider_running',
      hint: 'Stop that process first; two processes must not serve one provider.',
    })
  }
  const mnemonic = await providerMnemonic(session, config.key, options, env)
  const handle = await startProvider({
    config,
    network: session.network,
    mnemonic,
    dir,
    ...(options.gatewayPort !== undefined ? {gatewayPort: options.gatewayPort} : {}),
    ...(options.ingressPort !== undefined ? {ingressPort: options.ingressPort} : {}),
    ...(options.events ? {events: options.events} : {}),
  })
  writeFileSync(pidFile, `${process.pid}\n`, {mode: 0o600})
  await keepIngressPort(config, session.network, handle.ingressUrl, env)
  const rotation = env[PROVIDER_LOG_ENV] ? keepLogRotated(env[PROVIDER_LOG_ENV]) : undefined
  const stop = handle.stop
  return {
    ...handle,
    config,
    dir,
    stop: async () => {
      rotation?.stop()
      await stop()
      if (livePid(pidFile) === process.pid) rmSync(pidFile, {force: true})
    },
  }
}

/**
 * A provider whose config names no ingress address (edge dev's default is any free port) keeps the
 * one it got: every lease URI it hands out names that port, so a restart must not move it.
 */
export async function keepIngressPort(config: ProviderConfig, network: NetworkContext, ingressUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  // Elsewhere the default is a fixed address (0.0.0.0:80); only edge dev's is "any free port".
  if (config.ingress.listen || !network.profile.onThisMachine) return
  let url: URL
  try {
    url = new URL(ingressUrl)
  } catch {
    return
  }
  if (!url.port) return
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const current = await loadProviderConfig(config.name, env)
  if (current.ingress.listen) return
  await saveProviderConfig({...current, ingress: {...current.ingress, listen: `${host.includes(':') ? `[${host}]` : host}:${url.port}`}}, env)
  config.ingress.listen = `${host}:${url.port}`
}
