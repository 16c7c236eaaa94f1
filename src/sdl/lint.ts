import {isIngress} from './build.js'
import {decHuman} from './dec.js'
import {PRICE_DENOMS} from './decode/common.js'
import type {IssueSink} from './issues.js'
import {lintCapabilities} from './lint-capabilities.js'
import {formatPath} from './source.js'
import type {SdlModel} from './types.js'

export interface LintOptions {
  /** The denom the target chain wants prices in (default `uact`). */
  denom?: string
}

/** Ports that usually carry a web UI or an HTTP API. */
const WEB_PORTS = new Set([80, 3000, 5000, 7860, 8000, 8080, 8081, 8188, 8501, 8888])

/**
 * Warnings: things Akash accepts but that will probably cost the user money or time. Each names
 * what will happen and what to change.
 */
export function lintSdl(model: SdlModel, issues: IssueSink, options: LintOptions = {}): void {
  const wantDenom = options.denom ?? 'uact'
  const deployed = new Set(Object.keys(model.deployment))
  const usedCompute = new Set<string>()
  const usedPlacement = new Set<string>()
  for (const placements of Object.values(model.deployment)) {
    for (const [placement, sd] of Object.entries(placements)) {
      usedCompute.add(sd.profile)
      usedPlacement.add(placement)
    }
  }
  // A deployment naming a profile or placement that does not exist is an error (semantic.ts) whose
  // hint names the defined ones; calling those "unused" as well would blame the wrong line.
  const danglingCompute = [...usedCompute].some((name) => !model.compute[name])
  const danglingPlacement = [...usedPlacement].some((name) => !model.placement[name])

  if (model.include && model.include.length > 0) {
    issues.warn(['include'], 'include-ignored', 'include lists other files, but Akash never reads them, so nothing from them is deployed.', {
      at: 'key',
      hint: 'Copy what you need into this file and remove include.',
    })
  }

  for (const [name, svc] of Object.entries(model.services)) {
    const path = ['services', name]
    lintImage(svc.image, [...path, 'image'], issues)

    if (!deployed.has(name)) {
      issues.warn(path, 'service-not-deployed', `The service "${name}" is defined but the deployment section never places it, so it will not run.`, {
        at: 'key',
        hint: `Add deployment: ${name}: <placement>: {profile: <compute profile>, count: 1}, or remove the service.`,
      })
      continue
    }
    if (svc.expose.length === 0) {
      issues.warn(path, 'no-expose', `The service "${name}" exposes no ports, so nothing can reach it.`, {
        at: 'key',
        hint: 'That is fine for a worker or a batch job; otherwise add expose: [{port: <container port>, as: 80, to: [{global: true}]}].',
      })
    }
    const seenEnv = new Map<string, number>()
    ;(svc.env ?? []).forEach((entry, i) => {
      const key = entry.split('=', 1)[0]
      const first = seenEnv.get(key)
      if (first !== undefined) {
        issues.warn([...path, 'env', i], 'duplicate-env', `services.${name}.env sets ${key} twice (entries ${first} and ${i}); only one value reaches the container.`, {
          hint: 'Keep one entry per variable.',
        })
      } else seenEnv.set(key, i)
      if (!entry.includes('=')) {
        issues.warn([...path, 'env', i], 'env-without-value', `services.${name}.env[${i}] is "${key}" with no "=", so the variable is set to an empty string.`, {
          hint: `Write ${key}=<value>.`,
        })
      }
    })
    svc.expose.forEach((expose, ei) => {
      const ep = [...path, 'expose', ei]
      const proto = expose.proto.toUpperCase() === 'UDP' ? 'UDP' : 'TCP'
      const globalTargets = expose.to.filter((t) => t.global)
      const ingress = globalTargets.length > 0 && isIngress({proto, global: true, port: expose.port, externalPort: expose.as})
      if (expose.accept && expose.accept.length > 0 && !ingress) {
        issues.warn([...ep, 'accept'], 'accept-ignored', `services.${name}.expose[${ei}] lists accept hostnames, but only an HTTP expose (TCP, global, as: 80) is served by hostname, so they are ignored.`, {
          hint: 'Add as: 80 (the provider terminates HTTP and HTTPS for you), or remove accept.',
        })
      } else if (globalTargets.length > 0 && !ingress && proto === 'TCP' && WEB_PORTS.has(expose.port) && expose.as === 0) {
        issues.warn(ep, 'expose-random-port', `Port ${expose.port} of "${name}" is exposed globally without as: 80, so it gets a random public port instead of a hostname.`, {
          hint: 'Add as: 80 to serve it over HTTP(S) at a provider hostname; keep it as is if the client can follow a random port.',
        })
      }
      expose.to.forEach((to, ti) => {
        if (to.service !== '' && !model.services[to.service]) {
          issues.warn([...ep, 'to', ti, 'service'], 'unknown-expose-target', `services.${name}.expose[${ei}] is exposed to the service "${to.service}", which does not exist.`, {
            hint: `Name one of: ${Object.keys(model.services).join(', ')}.`,
          })
        }
      })
    })
  }

  for (const [profileName, profile] of Object.entries(model.compute)) {
    const path = ['profiles', 'compute', profileName]
    if (!usedCompute.has(profileName) && !danglingCompute) {
      issues.warn(path, 'profile-unused', `The compute profile "${profileName}" is not used by any deployment.`, {
        at: 'key',
        hint: 'Remove it, or reference it from deployment.<service>.<placement>.profile.',
      })
    }
    const gpu = profile.gpu
    if (gpu && gpu.units > 0) {
      const gp = [...path, 'resources', 'gpu']
      // Only the vendor/model keys: interconnect/group is an attribute too.
      const keys = (gpu.attributes ?? []).map((a) => a.key).filter((k) => k.startsWith('vendor/'))
      if (keys.includes('vendor/nvidia/model/*')) {
        issues.warn([...gp, 'attributes'], 'gpu-no-model', `profiles.compute.${profileName} asks for any NVIDIA GPU.`, {
          hint: 'Providers may bid their slowest card and price a wildcard like their best one; list the models that fit, e.g. nvidia: [{model: rtx4090}, {model: a100}].',
        })
      }
      keys.forEach((key, i) => {
        const model = key.slice('vendor/nvidia/model/'.length).split('/')[0]
        if (key !== 'vendor/nvidia/model/*' && model === '') {
          issues.warn([...gp, 'attributes', 'vendor', 'nvidia'], 'gpu-entry-without-model', `profiles.compute.${profileName} has a GPU entry with no model (${key}).`, {
            hint: 'Add model: (e.g. model: a100) to every entry.',
          })
        } else if (model !== '*' && model !== model.toLowerCase()) {
          issues.warn([...gp, 'attributes', 'vendor', 'nvidia', i], 'gpu-model-case', `The GPU model "${model}" has capital letters; providers advertise models in lowercase, so it matches none.`, {
            hint: `Write model: ${model.toLowerCase()}.`,
          })
        }
      })
    }
  }

  for (const [placementName, placement] of Object.entries(model.placement)) {
    const path = ['profiles', 'placement', placementName]
    if (!usedPlacement.has(placementName) && !danglingPlacement) {
      issues.warn(path, 'placement-unused', `The placement "${placementName}" is not used by any deployment.`, {
        at: 'key',
        hint: 'Remove it, or reference it from deployment.<service>.<placement>.',
      })
    }
    for (const [profileName, price] of Object.entries(placement.pricing)) {
      // Denoms outside uakt/uact are already reported by the decoder.
      if (price.denom === wantDenom || !(PRICE_DENOMS as readonly string[]).includes(price.denom)) continue
      const pp = [...path, 'pricing', profileName]
      const amount = decHuman(price.amount)
      issues.warn([...pp, 'denom'], price.denom === 'uakt' ? 'denom-uakt' : 'denom-mismatch', `${formatPath(pp)} is priced in ${price.denom}, but this network takes lease prices in ${wantDenom}; providers will not bid.`, {
        hint:
          price.denom === 'uakt' && wantDenom === 'uact'
            ? 'Since Akash v2.0 (March 2026) leases are paid in ACT (uact, 1 ACT ≈ 1 USD). Switch the denom and re-check the amount: 1 AKT is not worth 1 ACT.'
            : `Switch the denom to ${wantDenom} and re-check the amount.`,
        fix: {description: `Price in ${wantDenom}`, path: formatPath(pp), yaml: `denom: ${wantDenom}\namount: ${amount}\n`},
      })
    }
  }

  lintCapabilities(model, issues)
}

/** Splits an image reference into repository, tag and digest. */
export function parseImageRef(image: string): {repository: string; tag?: string; digest?: string} {
  let rest = image
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  const slash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > slash) return {repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest}
  return {repository: rest, digest}
}

function lintImage(image: string, path: Array<string | number>, issues: IssueSink): void {
  const ref = parseImageRef(image)
  if (ref.digest) return
  if (ref.tag === undefined) {
    issues.warn(path, 'image-untagged', `The image "${image}" has no tag, so the provider pulls whatever "latest" is at deploy time.`, {
      hint: `Pin a version, e.g. ${ref.repository}:<version> (or a digest, @sha256:…), so every deploy runs the same code.`,
    })
  } else if (ref.tag === 'latest') {
    issues.warn(path, 'image-latest', `The image "${image}" uses the :latest tag, which changes under you and is cached differently by each provider.`, {
      hint: `Pin a version, e.g. ${ref.repository}:<version> (or a digest, @sha256:…).`,
    })
  }
}
