import {describe, expect, it} from 'vitest'

import {type CompletionCommand, fishCompletion} from '../../../src/services/completion/fish.js'

const commands: CompletionCommand[] = [
  {id: 'deploy', summary: "Deploy an SDL file: it's quick.", flags: {output: {name: 'output', type: 'option', options: ['text', 'json']}, yes: {name: 'yes', char: 'y', type: 'boolean', description: 'Do not ask.'}}, args: {file: {description: 'SDL file'}}},
  {id: 'provide:init', summary: 'Set up a provider.', flags: {register: {name: 'register', type: 'boolean', allowNo: true}, name: {name: 'name', type: 'option'}}, args: {}},
  {id: 'secret', hidden: true, flags: {}, args: {}},
]

describe('fish completion script (edge autocomplete fish)', () => {
  const script = fishCompletion('edge', commands, [{name: 'provide', description: 'Turn this machine into a provider.'}])

  it('offers top-level commands and topics, and a topic\'s commands, with their summaries; never a hidden one', () => {
    expect(script).toContain(`complete -c edge -n '__edge_at \\'\\'' -a 'deploy' -d 'Deploy an SDL file: it\\'s quick.'`)
    expect(script).toContain(`complete -c edge -n '__edge_at \\'\\'' -a 'provide' -d 'Turn this machine into a provider.'`)
    expect(script).toContain(`complete -c edge -n '__edge_at \\'provide\\'' -a 'init' -d 'Set up a provider.'`)
    expect(script).not.toContain('secret')
  })

  it('offers each command\'s flags: fixed values, short forms, --no- forms; files where it takes a file', () => {
    expect(script).toContain(`complete -c edge -n '__edge_using \\'deploy\\'' -l output -x -a 'text json'`)
    expect(script).toContain(`complete -c edge -n '__edge_using \\'deploy\\'' -l yes -s y -d 'Do not ask.'`)
    expect(script).toContain(`complete -c edge -n '__edge_using \\'deploy\\'' -F`)
    expect(script).toContain(`complete -c edge -n '__edge_using \\'provide init\\'' -l no-register`)
    // A flag's value is not a command word: `edge --name x provide init` is still provide init.
    expect(script).toContain(`set -g __edge_valued '--name' '--output'`)
  })
})
