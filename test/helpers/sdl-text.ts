/** A small valid SDL to vary in tests; every test changes one thing. */
export const BASE = `version: "2.0"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        as: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu:
          units: 0.5
        memory:
          size: 512Mi
        storage:
          size: 1Gi
  placement:
    akash:
      pricing:
        web:
          denom: uact
          amount: 1000
deployment:
  web:
    akash:
      profile: web
      count: 1
`

/** Replaces one exact snippet of BASE (and fails loudly if it is not there). */
export function variant(from: string, to: string, base = BASE): string {
  if (!base.includes(from)) throw new Error(`snippet not in base: ${from}`)
  return base.replace(from, to)
}

/**
 * Where a marked spot is in a text: `at(text, 'tee: |sgx')` is the line and column of "sgx" (the
 * first occurrence of "tee: sgx"), 1-based as SDL issues report them.
 */
export function at(text: string, marked: string): {line: number; column: number} {
  const bar = marked.indexOf('|')
  if (bar < 0) throw new Error(`no | in ${marked}`)
  const needle = marked.slice(0, bar) + marked.slice(bar + 1)
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`not in text: ${needle}`)
  const before = text.slice(0, index + bar)
  const line = before.split('\n').length
  return {line, column: before.length - before.lastIndexOf('\n')}
}

/** BASE with a GPU in the web profile (`gpu` is the YAML under gpu:, indented by 10). */
export function withGpu(gpu: string, base = BASE): string {
  return variant('        storage:\n          size: 1Gi', `        gpu:\n${gpu}        storage:\n          size: 1Gi`, base)
}
