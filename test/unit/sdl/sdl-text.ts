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
