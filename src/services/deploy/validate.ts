import {groupSpecs, loadSdlFile, manifestVersion, requireValid} from '../../sdl/index.js'
import type {DeployEvent} from './events.js'
import {StepClock} from './step-clock.js'
import type {ValidatedSdl} from './types.js'

/**
 * Reads and validates the SDL: the one step that needs neither the chain nor a key, so the
 * command runs it before unlocking anything (a broken SDL is refused before a passphrase prompt)
 * and hands the result to the flow through `DeployInput.validated`.
 */
export async function* validateSdl(file: string, denom: string, now: () => number = Date.now): AsyncGenerator<DeployEvent, ValidatedSdl> {
  const clock = new StepClock(now)
  yield clock.step('validate', 'started', `Reading ${file}`)
  const result = await loadSdlFile(file, {denom})
  if (!result.ok) {
    const unreadable = result.errors[0]?.code === 'file-not-found' || result.errors[0]?.code === 'file-unreadable'
    yield clock.step('validate', 'failed', unreadable ? (result.errors[0]?.message ?? `${file} cannot be read`) : `${file} is not a valid SDL`)
  }
  const sdl = requireValid(result, file)
  const services = Object.keys(sdl.model.services).sort()
  const warnings = sdl.warnings.map((w) => `${w.file ?? file}:${w.line}:${w.column}: ${w.message}`)
  yield clock.event({type: 'validated', file, version: sdl.version, groups: groupSpecs(sdl).length, services, hash: manifestVersion(sdl).hex, warnings})
  const count = warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''
  yield clock.step('validate', 'succeeded', `SDL ${sdl.version}: ${services.join(', ')}${count}`)
  return {sdl, elapsedMs: clock.timings.validate ?? 0}
}
