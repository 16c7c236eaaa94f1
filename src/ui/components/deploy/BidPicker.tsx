import {Box, Text} from 'ink'
import React from 'react'

import type {Excluded} from '../../../services/deploy/candidates.js'
import type {BidView} from '../../../services/deploy/events.js'
import {theme} from '../../theme.js'
import {useBidSelection} from '../../hooks/use-bid-selection.js'
import {BidTable} from './BidTable.js'

export interface BidPickerProps {
  /** Placement group the bids are for. */
  group: string
  bids: readonly BidView[]
  excluded?: readonly Excluded[]
  /** Called with the index of the chosen bid. */
  onSelect: (index: number) => void
  onCancel: () => void
}

/** Choose a bid with the arrow keys; the best-scored bid is highlighted first. */
export function BidPicker({group, bids, excluded = [], onSelect, onCancel}: BidPickerProps): React.ReactElement {
  const index = useBidSelection(bids.length, onSelect, onCancel)
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text color={theme.accent}>? </Text>
        Choose a bid for placement group <Text bold>{group}</Text> <Text color={theme.muted}>(↑/↓ to move, Enter to lease, Esc to cancel and close the deployment)</Text>
      </Text>
      <BidTable bids={bids} selected={index} />
      {excluded.length > 0 ? (
        <Text color={theme.muted}>
          {excluded.length} bid{excluded.length === 1 ? '' : 's'} filtered out: {excluded.map((e) => `${e.provider.slice(0, 12)}… ${e.detail}`).join('; ')}
        </Text>
      ) : null}
    </Box>
  )
}
