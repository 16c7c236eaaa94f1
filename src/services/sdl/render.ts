import {UsageError} from '../../errors.js'
import {
  type GroupSpecJson,
  groupSpecsJson,
  loadSdlFile,
  type Manifest,
  manifestSortedJson,
  manifestVersion,
  renderManifest,
  requireValid,
  sortedJson,
} from '../../sdl/index.js'

export type RenderKind = 'manifest' | 'groups' | 'hash' | 'body'
export const RENDER_KINDS: readonly RenderKind[] = ['manifest', 'groups', 'hash', 'body']

export interface SdlRender {
  file: string
  as: RenderKind
  /** Manifest version hash, hex (MsgCreateDeployment.hash). */
  hash: string
  /** --as manifest: the manifest in Go's JSON shape. */
  manifest?: Manifest
  /** --as groups: the on-chain GroupSpecs in Go's JSON shape. */
  groups?: GroupSpecJson[]
  /**
   * --as groups: `MsgCreateDeployment.reclamation` (AEP-82) from `reclamation.min_window`, or null
   * when the SDL sets none.
   */
  reclamation?: RenderedReclamation | null
  /** --as body: the exact manifest PUT body (sorted JSON). */
  body?: string
  /** True when registry passwords in the output were replaced by "***". */
  masked: boolean
}

const MASK = '***'

/** The reclamation the deployment asks for: the SDL's text and the Duration the chain stores. */
export interface RenderedReclamation {
  /** As written, e.g. "24h". */
  min_window: string
  /** The same window in seconds. */
  seconds: number
}

/**
 * What the chain (groups) and the provider (manifest, body) receive. Registry passwords are
 * masked unless `showSecrets`; the hash is always computed over the real manifest.
 */
export async function renderSdlFile(
  file: string,
  as: RenderKind,
  options: {showSecrets?: boolean; denom?: string} = {},
): Promise<SdlRender> {
  if (!RENDER_KINDS.includes(as)) {
    throw new UsageError(`Cannot render "${as}".`, {hint: `Use --as ${RENDER_KINDS.join(', ')}.`})
  }
  const sdl = requireValid(await loadSdlFile(file, {denom: options.denom}), file)
  const hash = manifestVersion(sdl).hex
  const manifest = renderManifest(sdl)
  const hasSecrets = manifest.some((g) => g.services.some((s) => (s.credentials?.password ?? '') !== ''))
  const mask = hasSecrets && !options.showSecrets && (as === 'manifest' || as === 'body')
  const out: SdlRender = {file, as, hash, masked: mask}
  if (as === 'manifest') out.manifest = mask ? maskManifest(manifest) : manifest
  if (as === 'groups') {
    out.groups = groupSpecsJson(sdl)
    out.reclamation = sdl.reclamation ? {min_window: sdl.reclamation.minWindow, seconds: sdl.reclamation.seconds} : null
  }
  if (as === 'body') out.body = mask ? sortedJson(maskManifest(manifest)) : manifestSortedJson(sdl)
  return out
}

function maskManifest(manifest: Manifest): Manifest {
  for (const g of manifest) for (const s of g.services) if (s.credentials && s.credentials.password !== '') s.credentials.password = MASK
  return manifest
}
