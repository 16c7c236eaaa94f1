import {describe, expect, it} from 'vitest'

import {imagesText} from '../../../src/output/images.js'

const plain = (text: string) => text

describe('imagesText (edge status: what each service runs)', () => {
  it('names each service, its reference and the start of the digest; an image id says so', () => {
    const digest = `sha256:${'81bed2f1'.repeat(8)}`
    expect(
      imagesText(
        [
          {service: 'web', image: 'docker.io/library/busybox:1.36', digest, digest_of: 'manifest'},
          {service: 'job', image: 'localhost/job:dev', digest, digest_of: 'config'},
          {service: 'db', image: 'postgres:17'},
        ],
        plain,
      ),
    ).toBe('web docker.io/library/busybox:1.36 sha256:81bed2f181be…\njob localhost/job:dev image id sha256:81bed2f181be…\ndb postgres:17')
  })

  it('is absent when the provider reports no images (host processes, Akash providers)', () => {
    expect(imagesText(undefined, plain)).toBeUndefined()
    expect(imagesText([], plain)).toBeUndefined()
  })
})
