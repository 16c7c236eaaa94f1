/**
 * What a service may ask the person at the terminal. The command passes the terminal's prompts
 * (src/ui/prompts.ts) in; a service never draws one itself, so it runs the same under a test,
 * an agent (edge mcp) or a script, where nobody is there to answer.
 */
import type {promptPassword, promptSelect, promptText} from '../ui/prompts.js'

export interface Prompts {
  text: typeof promptText
  password: typeof promptPassword
  select: typeof promptSelect
}
