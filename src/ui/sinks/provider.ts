/** How `edge provide start` shows the provider's events: the dashboard, JSONL, or stderr lines. */
import type {EventSinks} from '../../output/sinks.js'
import type {ProviderEvent} from '../../provider/events.js'
import {describeEvent} from '../components/provide/dashboard-state.js'

/** Events a person reading plain stderr lines does not need. */
const QUIET = new Set<ProviderEvent['type']>(['block', 'stats', 'order.seen', 'bid.sent', 'gateway.request'])

export function providerSinks(name: string): EventSinks<ProviderEvent> {
  return {
    view: async () => {
      const [{default: React}, {ProviderDashboard}, {ReducerStore}, {initialDashboard, reduceDashboard}] = await Promise.all([
        import('react'),
        import('../components/provide/ProviderDashboard.js'),
        import('../live-view.js'),
        import('../components/provide/dashboard-state.js'),
      ])
      const store = new ReducerStore(initialDashboard, reduceDashboard)
      return {element: React.createElement(ProviderDashboard, {store, name}), apply: store.apply}
    },
    line: (e, {style, verbose}) => {
      if (QUIET.has(e.type)) return undefined
      const described = describeEvent(e)
      if (described) return `${e.ts} ${described.text}`
      return verbose ? style.dim(`${e.ts} ${e.type}`) : undefined
    },
  }
}
