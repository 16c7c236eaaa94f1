// `edge --help` without loading oclif. `npm run build` has oclif render the root help once
// (`node bin/help.js`, after `oclif manifest`) into dist/help.json; bin/run.js prints that text
// whenever oclif would print the same bytes: output not to a terminal (so no colour and 80
// columns), no FORCE_COLOR or OCLIF_COLUMNS, and the same package.json, command manifest, oclif and
// help plugin as the build (a checksum of those files). Only the Node version in its VERSION line
// differs from run to run, and it is filled in. Anything else goes to oclif.
// Built-ins through process.getBuiltinModule, as in bin/run.js (no ESM facades on the fast path).
const {existsSync, readFileSync, writeFileSync} = process.getBuiltinModule('node:fs')
const {fileURLToPath} = process.getBuiltinModule('node:url')
const {crc32} = process.getBuiltinModule('node:zlib')

const ROOT = new URL('../', import.meta.url)
const HELP_FILE = new URL('dist/help.json', ROOT)

/** The root help, when it can be printed without oclif; undefined otherwise. */
export function prerenderedHelp(args, env, stdout) {
  if (args.length !== 1 || (args[0] !== '--help' && args[0] !== 'help')) return undefined
  if (env.EDGE_FAST_HELP === '0' || stdout.isTTY || 'FORCE_COLOR' in env || env.OCLIF_COLUMNS) return undefined
  // oclif calls WSL its own platform in the VERSION line.
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return undefined
  try {
    const help = JSON.parse(readFileSync(HELP_FILE, 'utf8'))
    if (help.inputs !== inputsHash() || help.platform !== platform()) return undefined
    const parts = help.text.split(help.userAgent)
    return parts.length === 2 ? parts.join(userAgent(help.name, help.version)) : undefined
  } catch {
    return undefined
  }
}

/** Renders dist/help.json (the build's last step). */
export async function writeHelp() {
  const {spawnSync} = process.getBuiltinModule('node:child_process')
  const env = {...process.env, EDGE_FAST_HELP: '0'}
  for (const name of ['FORCE_COLOR', 'OCLIF_COLUMNS', 'WSL_DISTRO_NAME', 'WSL_INTEROP']) delete env[name]
  const run = spawnSync(process.execPath, [fileURLToPath(new URL('bin/run.js', ROOT)), '--help'], {env, encoding: 'utf8'})
  if (run.status !== 0) throw new Error(`edge --help exited ${run.status}: ${run.stderr}`)
  const {name, version} = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8'))
  const agent = userAgent(name, version)
  if (run.stdout.split(agent).length !== 2) throw new Error(`edge --help does not show "${agent}" once`)
  const help = {name, version, platform: platform(), userAgent: agent, inputs: inputsHash(), text: run.stdout}
  writeFileSync(HELP_FILE, JSON.stringify(help) + '\n')
}

function platform() {
  return `${process.platform}-${process.arch}`
}

/** oclif's Config.userAgent. */
function userAgent(name, version) {
  return `${name}/${version} ${platform()} node-${process.version}`
}

/** A checksum (CRC-32) of everything the root help is rendered from. */
function inputsHash() {
  const core = packageRoot('@oclif/core')
  const pluginHelp = packageRoot('@oclif/plugin-help')
  const files = [
    new URL('package.json', ROOT),
    new URL('oclif.manifest.json', ROOT),
    new URL('package.json', core),
    new URL('package.json', pluginHelp),
    new URL('oclif.manifest.json', pluginHelp),
  ]
  return files.map((file) => crc32(readFileSync(file)).toString(16)).join('-')
}

/** Where Node would find the package from here (node_modules here or above); no module is loaded. */
function packageRoot(name) {
  for (let dir = ROOT; ; ) {
    const candidate = new URL(`node_modules/${name}/`, dir)
    if (existsSync(new URL('package.json', candidate))) return candidate
    const parent = new URL('../', dir)
    if (parent.href === dir.href) throw new Error(`${name} not found`)
    dir = parent
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await writeHelp()
