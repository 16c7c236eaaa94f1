/** What each service runs, as edge's provider reports it: `web docker.io/library/busybox:1.36 sha256:81bed2f1c0e3…`. */
export function imagesText(images: ReadonlyArray<{service: string; image: string; digest?: string; digest_of?: string}> | undefined, dim: (text: string) => string): string | undefined {
  if (!images?.length) return undefined
  return images
    .map((i) => `${i.service} ${i.image}${i.digest ? ` ${dim(`${i.digest_of === 'config' ? 'image id ' : ''}${i.digest.slice(0, 19)}…`)}` : ''}`)
    .join('\n')
}
