import type Docker from 'dockerode'
import {describe, expect, it} from 'vitest'

import {DockerRuntime} from '../../../../src/provider/runtime/docker/docker-runtime.js'
import {RunningImages, repositoryOf, runningDigest} from '../../../../src/provider/runtime/docker/running-images.js'
import {Labels, leaseLabels} from '../../../../src/provider/runtime/labels.js'
import {edgeStatusJson} from '../../../../src/provider/leases/lease-status.js'

const hex = (c: string) => c.repeat(64)
const BUSYBOX_ID = hex('a')
const BUSYBOX_MANIFEST = `sha256:${hex('b')}`
const MIRROR_MANIFEST = `sha256:${hex('c')}`

/** A dockerode that answers container and image inspects from tables, and counts them. */
function fakeDocker(containers: Record<string, {Image: string; Config: {Image: string}}>, images: Record<string, {RepoDigests?: string[]}>) {
  const calls = {container: [] as string[], image: [] as string[]}
  const docker = {
    getContainer: (id: string) => ({
      inspect: async () => {
        calls.container.push(id)
        const c = containers[id]
        if (!c) throw Object.assign(new Error('no such container'), {statusCode: 404})
        return c
      },
    }),
    getImage: (id: string) => ({
      inspect: async () => {
        calls.image.push(id)
        const i = images[id.replace(/^sha256:/, '')]
        if (!i) throw Object.assign(new Error('no such image'), {statusCode: 404})
        return i
      },
    }),
  } as unknown as Pick<Docker, 'getContainer' | 'getImage'>
  return {docker, calls}
}

describe('the images a lease\'s containers run', () => {
  it('reports the repository digest of the service\'s own repository (a manifest digest)', async () => {
    const {docker} = fakeDocker(
      {c1: {Image: `sha256:${BUSYBOX_ID}`, Config: {Image: 'docker.io/library/busybox:1.36'}}},
      // The same image also pulled from a mirror: its digest there is not the one to report.
      {[BUSYBOX_ID]: {RepoDigests: [`mirror.example.com/busybox@${MIRROR_MANIFEST}`, `busybox@${BUSYBOX_MANIFEST}`]}},
    )
    const images = await new RunningImages(docker).of('lease-1', [{id: 'c1', service: 'web'}])
    expect(images).toEqual([{service: 'web', image: 'docker.io/library/busybox:1.36', digest: BUSYBOX_MANIFEST, digestOf: 'manifest'}])
  })

  it('prefers the digest a pinned reference names, and falls back to the image id without a repository digest', () => {
    expect(runningDigest(`ghcr.io/x/y@${MIRROR_MANIFEST}`, BUSYBOX_ID, [`ghcr.io/x/y@${BUSYBOX_MANIFEST}`, `ghcr.io/x/y@${MIRROR_MANIFEST}`])).toEqual({digest: MIRROR_MANIFEST, digestOf: 'manifest'})
    // Built locally or loaded from a file: no repository digest, or only another repository's.
    expect(runningDigest('app:dev', BUSYBOX_ID, [])).toEqual({digest: `sha256:${BUSYBOX_ID}`, digestOf: 'config'})
    expect(runningDigest('app:dev', `sha256:${BUSYBOX_ID}`, [`other/app@${BUSYBOX_MANIFEST}`])).toEqual({digest: `sha256:${BUSYBOX_ID}`, digestOf: 'config'})
    expect(runningDigest('app:dev', 'not-an-id', [])).toEqual({})
    expect(repositoryOf('localhost:5000/app:1')).toBe('localhost:5000/app')
    expect(repositoryOf('localhost:5000/app')).toBe('localhost:5000/app')
  })

  it('falls back to the image id when the image itself can no longer be inspected', async () => {
    const {docker} = fakeDocker({c1: {Image: BUSYBOX_ID, Config: {Image: 'busybox:1.36'}}}, {})
    expect(await new RunningImages(docker).of('lease-1', [{id: 'c1', service: 'web'}])).toEqual([
      {service: 'web', image: 'busybox:1.36', digest: `sha256:${BUSYBOX_ID}`, digestOf: 'config'},
    ])
  })

  it('inspects each container once across status polls, and again only once it is replaced', async () => {
    const {docker, calls} = fakeDocker(
      {
        c1: {Image: BUSYBOX_ID, Config: {Image: 'busybox:1.36'}},
        c2: {Image: BUSYBOX_ID, Config: {Image: 'busybox:1.36'}},
        c3: {Image: BUSYBOX_ID, Config: {Image: 'busybox:1.36'}},
      },
      {[BUSYBOX_ID]: {RepoDigests: [`docker.io/library/busybox@${BUSYBOX_MANIFEST}`]}},
    )
    const running = new RunningImages(docker)
    const replicas = [
      {id: 'c1', service: 'web'},
      {id: 'c2', service: 'web'},
    ]
    for (let poll = 0; poll < 3; poll++) {
      // Two replicas on one image: one row for the service.
      expect(await running.of('lease-1', replicas)).toEqual([{service: 'web', image: 'busybox:1.36', digest: BUSYBOX_MANIFEST, digestOf: 'manifest'}])
    }
    expect(calls.container.sort()).toEqual(['c1', 'c2'])
    expect(calls.image).toHaveLength(2)
    // c2 replaced by c3: only c3 is new; c2 is forgotten.
    await running.of('lease-1', [replicas[0], {id: 'c3', service: 'web'}])
    await running.of('lease-1', [replicas[0], {id: 'c2', service: 'web'}])
    expect(calls.container.sort()).toEqual(['c1', 'c2', 'c2', 'c3'])
  })

  it('leaves out a container that vanished between the listing and the inspect, and asks again next time', async () => {
    const {docker, calls} = fakeDocker({}, {})
    const running = new RunningImages(docker)
    expect(await running.of('lease-1', [{id: 'gone', service: 'web'}])).toEqual([])
    await running.of('lease-1', [{id: 'gone', service: 'web'}])
    expect(calls.container).toEqual(['gone', 'gone'])
  })

  it('goes into edge\'s lease-status extension as images, in snake case; absent where no images run', () => {
    const base = {lease: {owner: 'o', dseq: '1', gseq: 1, oseq: 1, provider: 'p'}, group: 'g', services: {}, errors: []}
    const json = edgeStatusJson({...base, images: [{service: 'web', image: 'busybox:1.36', digest: BUSYBOX_MANIFEST, digestOf: 'manifest'}]}, {deploying: false})
    expect(json.images).toEqual([{service: 'web', image: 'busybox:1.36', digest: BUSYBOX_MANIFEST, digest_of: 'manifest'}])
    expect(edgeStatusJson(base, {deploying: false})).not.toHaveProperty('images')
  })

  it('are in the Docker runtime\'s lease status, inspected once per container across polls', async () => {
    const lease = {owner: 'akash1owner', dseq: '7', gseq: 1, oseq: 1, provider: 'akash1prov'}
    const {docker: inspects, calls} = fakeDocker(
      {c1: {Image: BUSYBOX_ID, Config: {Image: 'docker.io/library/busybox:1.36'}}},
      {[BUSYBOX_ID]: {RepoDigests: [`docker.io/library/busybox@${BUSYBOX_MANIFEST}`]}},
    )
    // A container just created (not started): status reads nothing else from the engine.
    const container = {Id: 'c1', State: 'created', Status: 'Created', Ports: [], Labels: {...leaseLabels(lease), [Labels.service]: 'web', [Labels.replica]: '0', [Labels.group]: 'dcloud'}}
    const docker = {...inspects, listContainers: async () => [container]} as unknown as Docker
    const runtime = new DockerRuntime({socketPath: '/nonexistent.sock', docker})
    try {
      for (let poll = 0; poll < 3; poll++) {
        expect((await runtime.status(lease)).images).toEqual([{service: 'web', image: 'docker.io/library/busybox:1.36', digest: BUSYBOX_MANIFEST, digestOf: 'manifest'}])
      }
      expect(calls.container).toEqual(['c1'])
      expect(calls.image).toEqual([BUSYBOX_ID])
    } finally {
      await runtime.close()
    }
  })
})
