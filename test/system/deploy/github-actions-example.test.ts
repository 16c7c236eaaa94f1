import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {execa} from 'execa'
import {afterAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {freePort} from '../../helpers/ports.js'
import {EDGE_BIN, cleanEnv, makeEdgeHome} from '../../helpers/run-edge.js'

const WORKFLOW = resolve(import.meta.dirname, '../../../examples/github-actions/edge-dev.yml')

interface Step {
  name?: string
  id?: string
  uses?: string
  run?: string
  if?: string
  env?: Record<string, string>
}

const home = makeEdgeHome('edge-gha-')
const workdir = mkdtempSync(join(tmpdir(), 'edge-gha-work-'))

afterAll(async () => {
  await execa('node', [EDGE_BIN, 'dev', 'stop'], {env: {...cleanEnv(), ...home.env}, extendEnv: false, reject: false})
  home.cleanup()
  rmSync(workdir, {recursive: true, force: true})
})

describe('examples/github-actions/edge-dev.yml', () => {
  it('its run: steps deploy on edge dev with the built binary, as the workflow would in CI', async () => {
    const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {jobs: Record<string, {steps: Step[]; env?: Record<string, string>}>}
    const [job] = Object.values(workflow.jobs)
    // `edge` on PATH is this checkout's build, in place of the step that installs it from npm.
    const bin = join(workdir, '.bin')
    await execa('mkdir', ['-p', bin])
    writeFileSync(join(bin, 'edge'), `#!/bin/sh\nexec node ${JSON.stringify(EDGE_BIN)} "$@"\n`)
    chmodSync(join(bin, 'edge'), 0o755)
    const githubEnv = join(workdir, '.github-env')
    writeFileSync(githubEnv, '')
    // Other runs share this machine: edge dev gets free ports instead of its defaults.
    const ports = `--rpc-port ${await freePort()} --grpc-port ${await freePort()} --rest-port ${await freePort()}`
    const ran: string[] = []
    let failed = false
    for (const step of job.steps) {
      if (step.uses || step.id === 'install' || !step.run) continue
      const condition = step.if ?? 'success()'
      if ((condition === 'success()' && failed) || (condition === 'failure()' && !failed)) continue
      // What earlier steps appended to $GITHUB_ENV, as Actions carries it into the next ones.
      const carried = Object.fromEntries(readFileSync(githubEnv, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
      const script = step.run.replaceAll('edge dev start', `edge dev start ${ports}`)
      const result = await execa('bash', ['-eo', 'pipefail', '-c', script], {
        cwd: workdir,
        env: {...cleanEnv(), ...home.env, CI: 'true', GITHUB_ENV: githubEnv, ...job.env, ...step.env, ...carried, PATH: `${bin}:${process.env.PATH}`},
        extendEnv: false,
        reject: false,
        timeout: 280_000,
      })
      ran.push(step.name ?? step.run)
      if (result.exitCode !== 0) {
        failed = true
        expect.soft(result.exitCode, `step "${step.name}" failed:\n${result.stdout}\n${result.stderr}`).toBe(0)
      }
    }
    expect(failed).toBe(false)
    expect(ran).toEqual(['Start a local market with one provider', 'Deploy', 'Check the service answers', 'Clean up'])
    expect(JSON.parse(readFileSync(join(workdir, 'deploy.json'), 'utf8')).result.state).toBe('ready')
  })
})
