import {Box, Text, useInput} from 'ink'
import React from 'react'

import {CancelledError} from '../../../errors.js'
import {formatCoin} from '../../../protocol/money.js'
import {theme} from '../../theme.js'
import {useStore} from '../../hooks/use-store.js'
import {useTicker} from '../../hooks/use-ticker.js'
import {AnsweredPrompt} from '../AnsweredPrompt.js'
import {BidPicker} from './BidPicker.js'
import {formatElapsed} from './format.js'
import {STEP_LABELS} from './step-labels.js'
import type {DeployStore, StepState} from './deploy-store.js'
import type {MintConfirmation} from '../../../services/deploy/types.js'

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']


function StepLine({name, step, tick, now, asking}: {name: string; step: StepState; tick: number; now: number; asking: boolean}): React.ReactElement {
  // While a question is open the step waits for the user, not for the network: a "?" instead of a frozen spinner.
  const icon =
    step.status === 'started' && asking ? (
      <Text color={theme.accent}>?</Text>
    ) : step.status === 'started' ? (
      <Text color={theme.accent}>{SPINNER[tick % SPINNER.length]}</Text>
    ) : step.status === 'succeeded' ? (
      <Text color={theme.success}>✔</Text>
    ) : step.status === 'failed' ? (
      <Text color={theme.error}>✖</Text>
    ) : step.status === 'cancelled' ? (
      <Text color={theme.warning}>✖</Text>
    ) : (
      <Text color={theme.muted}>-</Text>
    )
  const elapsed = step.elapsedMs ?? (step.status === 'started' && step.startedAt !== undefined ? now - step.startedAt : undefined)
  // The message has a box of its own, so a long one wraps between words under the message column.
  return (
    <Box>
      <Box flexShrink={0}>
        <Text>
          {icon} {name.padEnd(18)} <Text color={theme.muted}>{(elapsed !== undefined ? formatElapsed(elapsed) : '').padStart(8)}</Text>{' '}
        </Text>
      </Box>
      <Box flexShrink={1}>
        <Text wrap="wrap" color={step.status === 'skipped' ? theme.muted : undefined}>
          {step.message}
        </Text>
      </Box>
    </Box>
  )
}

function MintQuestion({store}: {store: DeployStore}): React.ReactElement | null {
  const state = useStore(store)
  const mint = state.mint
  useInput(
    (input, key) => {
      if (!mint) return
      if (input === 'y' || input === 'Y' || key.return) mint.resolve(true)
      else if (input === 'n' || input === 'N' || key.escape || (key.ctrl && input === 'c')) mint.resolve(false)
    },
    {isActive: Boolean(mint)},
  )
  const answered = state.mintAnswered
  if (!mint) return answered ? <AnsweredPrompt message={mintQuestion(answered.request)} answer={answered.ok ? 'yes' : 'no'} /> : null
  return (
    <Text>
      <Text color={theme.accent}>? </Text>
      {mintQuestion(mint.request)}{' '}
      <Text color={theme.muted}>(Y/n)</Text>
    </Text>
  )
}

function mintQuestion(request: MintConfirmation): string {
  return `The wallet is ${formatCoin(request.shortfallUact, 'uact')} short. Mint ACT by burning about ${formatCoin(request.burnUakt, 'uakt')}?`
}

/** The interactive `edge deploy`: each step with its state and timing, and the bid picker. */
export function DeployView({store, now = Date.now}: {store: DeployStore; now?: () => number}): React.ReactElement {
  const state = useStore(store)
  const running = !state.done && state.steps.some(([, s]) => s.status === 'started')
  const asking = Boolean(state.choice || state.mint)
  const tick = useTicker(running && !asking, 100)
  const choice = state.choice
  return (
    <Box flexDirection="column">
      <Text>
        Deploying <Text bold>{state.file}</Text> to <Text bold>{state.network}</Text>
        {state.dseq !== undefined ? <Text color={theme.muted}> (dseq {state.dseq.toString()})</Text> : null}
      </Text>
      {state.steps.map(([name, step]) => (
        <StepLine key={name} name={STEP_LABELS[name]} step={step} tick={tick} now={now()} asking={asking} />
      ))}
      {state.detail && running ? <Text color={theme.muted}>  {state.detail}</Text> : null}
      {state.warnings.map((w, i) => (
        <Text key={i} color={theme.warning}>
          ! {w}
        </Text>
      ))}
      <MintQuestion store={store} />
      {choice ? (
        <BidPicker
          group={choice.request.groupName}
          bids={choice.request.rows}
          excluded={choice.request.excluded}
          onSelect={(i) => choice.resolve(choice.request.bids[i])}
          onCancel={() => choice.reject(new CancelledError('No bid chosen.'))}
        />
      ) : null}
    </Box>
  )
}
