import type {StepName} from '../../../services/deploy/events.js'

/** How the deploy steps read on a terminal (the Ink view and the plain text lines). */
export const STEP_LABELS: Record<StepName, string> = {
  validate: 'Validate SDL',
  forecast: 'Forecast cost',
  screen: 'Screen providers',
  funds: 'Check funds',
  mint: 'Mint ACT',
  create: 'Create deployment',
  bids: 'Collect bids',
  probe: 'Measure latency',
  select: 'Choose a bid',
  lease: 'Create lease',
  manifest: 'Send manifest',
  ready: 'Wait for services',
  close: 'Close deployment',
}
