/**
 * Setup for the command tests: what every in-process `runCommand(…)` prints is checked against the
 * committed contract (--json envelope, JSONL lines), as the system tests do for the binary (run-edge.ts).
 */
import {vi} from 'vitest'

vi.mock('@oclif/test', async (importOriginal) => {
  const oclifTest = await importOriginal<typeof import('@oclif/test')>()
  const {assertOutputMatchesContract} = await import('./validate.js')
  const runCommand: typeof oclifTest.runCommand = async <T,>(args: string | string[], ...rest: Parameters<typeof oclifTest.runCommand> extends [unknown, ...infer R] ? R : never) => {
    const result = await oclifTest.runCommand<T>(args, ...rest)
    assertOutputMatchesContract(Array.isArray(args) ? args : args.split(' '), result.stdout)
    return result
  }
  return {...oclifTest, runCommand}
})
