/**
 * A limit said no. The agent gets a tool error that names the limit, the numbers on both sides and
 * what a person (not the agent) could change to allow it.
 */
export type LimitName =
  | 'read-only'
  | 'max-usd-per-hour'
  | 'max-deposit'
  | 'budget-per-day'
  | 'budget-total'
  | 'ttl'
  | 'images'
  | 'providers'
  | 'regions'
  | 'max-deployments'
  | 'sdl-dirs'
  | 'plan-expired'
  | 'plan-changed'
  | 'plan-used'
  | 'not-agent-deployment'

export class LimitRefusal extends Error {
  constructor(
    readonly limit: LimitName,
    message: string,
    /** What a person could change: a flag of `edge mcp` or a key of mcp.json. */
    readonly change: string,
    readonly numbers: Record<string, string | number | string[]> = {},
  ) {
    super(message)
    this.name = 'LimitRefusal'
  }

  toText(): string {
    return `Refused by the limit "${this.limit}": ${this.message} To allow it, a person can ${this.change}`
  }

  toJSON(): Record<string, unknown> {
    return {refused: true, limit: this.limit, message: this.message, change: this.change, numbers: this.numbers}
  }
}
