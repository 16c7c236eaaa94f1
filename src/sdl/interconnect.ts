import {stringify} from 'yaml'

import {INTERCONNECT_GROUP_AUTO} from './decode/gpu.js'
import {goCompare} from './go-compat.js'
import type {IssueSink} from './issues.js'
import {formatPath} from './source.js'
import type {SdlModel} from './types.js'

/** The placement attribute that keeps interconnect workloads on providers that have a fabric. */
export const INTERCONNECT_CAPABILITY = 'capabilities/gpu-interconnect'

/**
 * GPU interconnect rules across sections (go/sdl v2.go validateInterconnect, mirrored by
 * chain-sdk alpha.45's validateSDL): a placement that runs an interconnect profile must require
 * `capabilities/gpu-interconnect: true`, and one placement uses either the implicit group
 * (`interconnect: []`) or named groups, not both. The other two rules (the reserved name `auto`, no
 * interconnect without GPUs) are checked where the GPU is read.
 */
export function checkInterconnect(model: SdlModel, issues: IssueSink): void {
  const byPlacement = new Map<string, Array<{service: string; profile: string; group: string}>>()
  for (const service of Object.keys(model.deployment).sort(goCompare)) {
    for (const [placement, sd] of Object.entries(model.deployment[service])) {
      const gpu = model.compute[sd.profile]?.gpu
      const group = gpu && gpu.units > 0 ? (gpu.interconnectGroup ?? '') : ''
      if (group === '') continue
      const list = byPlacement.get(placement) ?? []
      list.push({service, profile: sd.profile, group})
      byPlacement.set(placement, list)
    }
  }

  for (const [placement, uses] of [...byPlacement].sort(([a], [b]) => goCompare(a, b))) {
    const infra = model.placement[placement]
    if (infra && !requiresInterconnect(infra.attributes)) {
      const attributes = Object.fromEntries([...(infra.attributes ?? []).map((a) => [a.key, a.value]), [INTERCONNECT_CAPABILITY, true]])
      const path = ['profiles', 'placement', placement, ...(infra.attributes ? ['attributes'] : [])]
      const first = uses[0]
      issues.error(path, 'interconnect-needs-capability', `Service "${first.service}" uses the GPU interconnect of profile "${first.profile}" in placement "${placement}", but the placement does not require ${INTERCONNECT_CAPABILITY}: true.`, {
        at: 'key',
        hint: `Add ${INTERCONNECT_CAPABILITY}: true under profiles.placement.${placement}.attributes, so that only providers with an interconnect fabric bid.`,
        fix: {
          description: `Require ${INTERCONNECT_CAPABILITY} in placement "${placement}"`,
          path: formatPath(['profiles', 'placement', placement, 'attributes']),
          yaml: stringify(attributes),
        },
      })
    }
    const implicit = uses.find((u) => u.group === INTERCONNECT_GROUP_AUTO)
    const named = uses.find((u) => u.group !== INTERCONNECT_GROUP_AUTO)
    if (implicit && named) {
      issues.error(['profiles', 'compute', implicit.profile, 'resources', 'gpu', 'attributes', 'interconnect'], 'interconnect-mixed', `Placement "${placement}" mixes interconnect: [] (profile "${implicit.profile}") with interconnect: {group: ${named.group}} (profile "${named.profile}").`, {
        hint: `Use one form across the placement: name every group, e.g. interconnect: {group: ${named.group}}, or write interconnect: [] everywhere.`,
      })
    }
  }
}

function requiresInterconnect(attributes: ReadonlyArray<{key: string; value: string}> | null): boolean {
  return (attributes ?? []).some((a) => a.key === INTERCONNECT_CAPABILITY && a.value === 'true')
}
