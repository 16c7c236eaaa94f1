import {formatSdlDuration} from './durations.js'
import type {IssueSink} from './issues.js'
import type {SdlModel} from './types.js'

/** Akash mainnet's market params (v2.1.0): min_reclamation_window 1h, max_reclamation_window 720h. */
export const MAINNET_RECLAMATION_WINDOW = {minSeconds: 3600, maxSeconds: 720 * 3600} as const

/**
 * Warnings for fields that only some providers can serve. Akash accepts them; they narrow (or, for
 * manifest fields older providers cannot hash, break) the market, which the user should know before
 * paying for a deployment that gets no bids.
 */
export function lintCapabilities(model: SdlModel, issues: IssueSink): void {
  const deployedProfiles = new Set(Object.values(model.deployment).flatMap((p) => Object.values(p).map((sd) => sd.profile)))

  for (const [name, svc] of Object.entries(model.services)) {
    if (!model.deployment[name]) continue
    const tee = svc.params?.tee
    if (tee) {
      issues.warn(['services', name, 'params', 'tee'], 'needs-tee-provider', `params.tee needs a provider with tee/type attributes (${tee === 'cpu-gpu' ? 'confidential CPU and GPU' : 'confidential CPU'}); few providers offer it.`, {
        hint: `The placement requires tee/type: ${tee}, so only providers that advertise it bid; expect fewer, pricier bids. Check the market with \`edge providers\`.`,
      })
    }
    svc.expose.forEach((expose, ei) => {
      if (!expose.httpOptions.proxy) return
      issues.warn(['services', name, 'expose', ei, 'http_options', 'proxy'], 'needs-proxy-provider', 'http_options.proxy is new in the manifest (chain-sdk 1.0.0-alpha.45); a provider whose software predates it computes another manifest hash and refuses the manifest after the lease is made.', {
        at: 'key',
        hint: 'Remove proxy unless you know the provider runs a recent Akash provider; nothing else in the SDL depends on it.',
      })
    })
  }

  for (const [name, profile] of Object.entries(model.compute)) {
    if (!deployedProfiles.has(name)) continue
    const resources = ['profiles', 'compute', name, 'resources']
    const arch = profile.cpu.attributes?.find((a) => a.key === 'arch')?.value
    if (arch) {
      issues.warn([...resources, 'cpu', 'attributes', 'arch'], 'needs-arch-provider', `cpu arch ${arch} needs a provider that places workloads by CPU architecture; few providers do, and others may bid anyway.`, {
        hint:
          arch === 'amd64'
            ? 'Nearly every provider runs amd64: remove arch unless you must exclude arm64 nodes.'
            : `Check that the provider you pick runs ${arch} nodes, or publish a multi-arch image and remove arch.`,
      })
    }
    const group = profile.gpu?.interconnectGroup
    if (group) {
      issues.warn([...resources, 'gpu', 'attributes', 'interconnect'], 'needs-interconnect-provider', `GPU interconnect needs a provider with capabilities/gpu-interconnect (InfiniBand or RoCE between GPU nodes); few providers offer it.`, {
        hint: `Services in group "${group}" are spread over distinct nodes joined by the fabric; drop interconnect if the workload fits one node.`,
      })
    }
  }

  const reclamation = model.reclamation
  if (reclamation) {
    const path = ['reclamation', 'min_window']
    issues.warn(path, 'needs-reclamation-provider', `reclamation.min_window (${reclamation.minWindow}) lets only providers that promise at least that much notice bid (AEP-82); few providers offer a reclamation window yet.`, {
      hint: 'A provider may take the machine back after giving this much notice; a longer window means fewer bids. Remove reclamation to accept every provider.',
    })
    const {minSeconds, maxSeconds} = MAINNET_RECLAMATION_WINDOW
    if (reclamation.seconds < minSeconds || reclamation.seconds > maxSeconds) {
      const limit = (s: number) => formatSdlDuration(BigInt(s) * 1000n, ['h', 'm', 's'])
      issues.warn(path, 'reclamation-window-range', `reclamation.min_window is ${reclamation.minWindow}, outside the ${limit(minSeconds)} to ${limit(maxSeconds)} that Akash mainnet's market params allow; the chain there rejects the deployment.`, {
        hint: `Use a window between ${limit(minSeconds)} and ${limit(maxSeconds)} for mainnet; \`edge dev\` accepts shorter windows so that tests run quickly.`,
      })
    }
  }
}
