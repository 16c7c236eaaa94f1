import {goCompare} from './go-compat.js'
import {type IssueSink, type RuleMode, schemaOnlyIssue} from './issues.js'
import {suggest} from './reader.js'
import {formatPath} from './source.js'
import type {SdlModel} from './types.js'

/**
 * Cross-references between sections, as Akash's Go parser checks them (go/sdl/v2.go and v2_1.go
 * `validate()`): every deployment names a service, a placement, a compute profile and a price
 * that exist; IP endpoints are declared, used and not double-booked; storage params match volumes.
 */
export function checkReferences(model: SdlModel, issues: IssueSink, rules: RuleMode = 'strict'): void {
  const endpointsUsed = new Set<string>()
  const portsUsed = new Map<string, string>()
  const computeNames = Object.keys(model.compute)
  const placementNames = Object.keys(model.placement)
  const serviceNames = Object.keys(model.services)

  for (const svcName of Object.keys(model.deployment).sort(goCompare)) {
    const placements = model.deployment[svcName]
    const svc = model.services[svcName]
    if (!svc) {
      issues.error(['deployment', svcName], 'unknown-service', `deployment names the service "${svcName}", which services does not define.`, {
        at: 'key',
        hint: suggest(svcName, serviceNames) || `Defined services: ${serviceNames.join(', ') || 'none'}.`,
      })
    }
    for (const placementName of Object.keys(placements).sort(goCompare)) {
      const sd = placements[placementName]
      const path = ['deployment', svcName, placementName]
      const compute = model.compute[sd.profile]
      if (!compute) {
        issues.error([...path, 'profile'], 'unknown-profile', `${formatPath(path)} uses the compute profile "${sd.profile}", which profiles.compute does not define.`, {
          hint: suggest(sd.profile, computeNames) || `Defined compute profiles: ${computeNames.join(', ') || 'none'}.`,
        })
      }
      const infra = model.placement[placementName]
      if (!infra) {
        issues.error(path, 'unknown-placement', `${formatPath(path)} places the service in "${placementName}", which profiles.placement does not define.`, {
          at: 'key',
          hint: suggest(placementName, placementNames) || `Defined placements: ${placementNames.join(', ') || 'none'}.`,
        })
      } else if (compute && !infra.pricing[sd.profile]) {
        // An undefined profile is one mistake, reported above: asking for its price too would give
        // a second, contradictory fix (add pricing for the typo instead of correcting it).
        const pricingPath = ['profiles', 'placement', placementName, 'pricing']
        issues.error(pricingPath, 'missing-price', `profiles.placement.${placementName}.pricing has no price for the compute profile "${sd.profile}".`, {
          at: 'key',
          hint: `Add ${sd.profile}: {denom: uact, amount: <most you pay per block>} under pricing.`,
          fix: {
            description: `Add a price for "${sd.profile}"`,
            path: formatPath([...pricingPath, sd.profile]),
            yaml: 'denom: uact\namount: 1000\n',
          },
        })
      }
      if (!svc) continue

      svc.expose.forEach((expose, ei) => {
        expose.to.forEach((to, ti) => {
          if (to.ip === '') return
          const toPath = ['services', svcName, 'expose', ei, 'to', ti, 'ip']
          const endpoint = model.endpoints[to.ip]
          if (!endpoint) {
            issues.error(toPath, 'unknown-endpoint', `services.${svcName} uses the IP endpoint "${to.ip}", which endpoints does not declare.`, {
              hint: `Declare it: endpoints: {${to.ip}: {kind: ip}}.`,
            })
            return
          }
          endpointsUsed.add(to.ip)
          const portKey = `${to.ip}-${expose.as}-${expose.proto}`
          const other = portsUsed.get(portKey)
          if (other !== undefined && other !== svcName) {
            issues.error(toPath, 'endpoint-port-conflict', `The IP endpoint "${to.ip}" has port ${expose.as || expose.port}/${(expose.proto || 'tcp').toLowerCase()} taken by both "${other}" and "${svcName}".`, {
              hint: 'Give one of the services a different external port (as:).',
            })
          } else if (other !== undefined) {
            issues.error(toPath, 'endpoint-port-conflict', `The IP endpoint "${to.ip}" has port ${expose.as || expose.port}/${(expose.proto || 'tcp').toLowerCase()} exposed twice by "${svcName}".`, {
              hint: 'Expose each port once per endpoint.',
            })
          }
          portsUsed.set(portKey, svcName)
        })
      })

      if (!compute) continue
      const volumes = new Map(compute.storage.map((v) => [v.name, v]))
      const mounts = new Map<string, string>()
      const params = svc.params?.storage ?? {}
      for (const [name, sp] of Object.entries(params)) {
        const pp = ['services', svcName, 'params', 'storage', name]
        const volume = volumes.get(name)
        if (!volume) {
          issues.error(pp, 'unknown-volume', `services.${svcName}.params.storage mounts "${name}", but the compute profile "${sd.profile}" has no volume of that name.`, {
            at: 'key',
            hint:
              suggest(name, [...volumes.keys()]) ||
              `Name a volume "${name}" under profiles.compute.${sd.profile}.resources.storage (volumes: ${[...volumes.keys()].join(', ')}).`,
          })
          continue
        }
        const prev = mounts.get(sp.mount)
        if (prev !== undefined) {
          issues.error([...pp, 'mount'], 'duplicate-mount', `services.${svcName} mounts both "${prev}" and "${name}" at ${sp.mount}.`, {
            hint: 'Give each volume its own mount path.',
          })
        }
        mounts.set(sp.mount, name)
        const cls = volume.attributes?.find((a) => a.key === 'class')?.value
        if (model.version === '2.1' && cls === 'ram' && sp.readOnly) {
          issues.error([...pp, 'readOnly'], 'ram-read-only', `services.${svcName}.params.storage.${name} is read-only, which a RAM volume cannot be.`, {
            hint: 'Remove readOnly: true (a RAM volume starts empty, so read-only would make it useless).',
          })
        }
      }
      // A persistent volume must be mounted by every service that runs on it: chain-sdk's validateSDL
      // checks each volume; Go only 2.0 services with no storage params at all (go/sdl/v2.go).
      for (const volume of compute.storage) {
        if (volume.attributes?.find((a) => a.key === 'persistent')?.value !== 'true' || params[volume.name]) continue
        const goRejects = model.version === '2.0' && Object.keys(params).length === 0
        const message = `The persistent volume "${volume.name}" of profile "${sd.profile}" is not mounted by service "${svcName}".`
        const options = {
          at: 'key' as const,
          hint: volume.unnamed
            ? `Name the volume (name: data) under profiles.compute.${sd.profile}.resources.storage and mount it: params: {storage: {data: {mount: /data}}}, or make it non-persistent.`
            : `Add params: {storage: {${volume.name}: {mount: /data}}} to services.${svcName}, or make the volume non-persistent.`,
        }
        if (goRejects) issues.error(['services', svcName], 'persistent-without-mount', message, options)
        else schemaOnlyIssue(issues, rules, ['services', svcName], 'persistent-without-mount', message, options)
      }
      // chain-sdk looks volumes up by the name written in the profile, so it cannot find an unnamed one as "default".
      const unnamed = compute.storage.find((v) => v.unnamed)
      if (unnamed && params[unnamed.name]) {
        schemaOnlyIssue(issues, rules, ['services', svcName, 'params', 'storage', unnamed.name], 'unnamed-volume', `services.${svcName}.params.storage mounts "default", the volume of profile "${sd.profile}" that has no name; chain-sdk and Console only find volumes by the name written in the profile.`, {
          at: 'key',
          hint: `Add name: default to that volume under profiles.compute.${sd.profile}.resources.storage.`,
        })
      }
    }
  }

  for (const name of Object.keys(model.endpoints)) {
    if (endpointsUsed.has(name)) continue
    issues.error(['endpoints', name], 'endpoint-unused', `The endpoint "${name}" is declared but no service uses it.`, {
      at: 'key',
      hint: `Use it in an expose (to: [{global: true, ip: ${name}}]) or remove it; Akash rejects unused endpoints.`,
    })
  }
}
