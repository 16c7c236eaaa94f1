/**
 * Setup for the command tests: every in-process `runCommand(… --json)` that succeeds has its result
 * checked against the committed schema, as the system tests do for the binary (run-edge.ts).
 */
import {vi} from 'vitest'

vi.mock('@oclif/test', async (importOriginal) => {
  const oclifTest = await importOriginal<typeof import('@oclif/test')>()
  const {assertErrorMatchesSchema, assertResultMatchesSchema} = await import('./validate.js')
  const runCommand: typeof oclifTest.runCommand = async (args, ...rest) => {
    const result = await oclifTest.runCommand(args, ...rest)
    const argv = Array.isArray(args) ? args : args.split(' ')
    if (argv.includes('--json')) {
      let envelope
      try {
        envelope = JSON.parse(result.stdout)
      } catch {
        envelope = undefined
      }
      if (envelope?.ok === true) assertResultMatchesSchema(argv, envelope.result)
      if (envelope?.ok === false) assertErrorMatchesSchema(argv, envelope)
    }
    return result
  }
  return {...oclifTest, runCommand}
})
