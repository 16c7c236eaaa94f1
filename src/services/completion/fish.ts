/**
 * A fish completion script for edge, made from the command manifest (oclif's autocomplete plugin covers bash, zsh
 * and PowerShell, not fish). It completes command and topic names (with their summaries), each command's flags
 * (with their descriptions and fixed values), and file names where a command takes a file.
 */

/** What the script needs of a command: the manifest's fields, by name. */
export interface CompletionCommand {
  /** `provide:init`: words joined by ":". */
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  aliases?: string[]
  flags: Record<string, CompletionFlag>
  args: Record<string, {name?: string; description?: string; hidden?: boolean}>
}

export interface CompletionFlag {
  name: string
  char?: string
  description?: string
  summary?: string
  hidden?: boolean
  type: 'boolean' | 'option'
  options?: readonly string[]
  /** A boolean that also has its `--no-` form. */
  allowNo?: boolean
}

export interface CompletionTopic {
  name: string
  description?: string
  hidden?: boolean
}

/** An argument that names a file (an SDL, a receipt…) gets file-name completion; others (a DSEQ) do not. */
const FILE_ARG = /file|path|sdl|receipt|dir/i

/** Fish's single-quoted string: only `\` and `'` need escaping. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** One line of a summary for fish's pager. */
function oneLine(text: string | undefined): string {
  const line = (text ?? '').split('\n')[0].trim()
  return line.length > 90 ? `${line.slice(0, 89)}…` : line
}

export function fishCompletion(bin: string, commands: CompletionCommand[], topics: CompletionTopic[]): string {
  const visible = commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id))
  const ids = visible.map((c) => c.id.split(':').join(' '))
  const fn = `__${bin.replace(/[^A-Za-z0-9_]/g, '_')}`
  // Flags that take a value anywhere: their value is not a command word.
  const valued = new Set<string>()
  for (const c of visible) {
    for (const f of Object.values(c.flags)) {
      if (f.type !== 'option') continue
      valued.add(`--${f.name}`)
      if (f.char) valued.add(`-${f.char}`)
    }
  }
  const lines = [
    `# ${bin} completions for fish, made by \`${bin} autocomplete fish\` from ${bin}'s command list.`,
    `# Install: ${bin} autocomplete fish > ~/.config/fish/completions/${bin}.fish`,
    `# After an upgrade that adds commands or flags, run it again.`,
    '',
    `set -g ${fn}_commands ${ids.map(quote).join(' ')}`,
    `set -g ${fn}_valued ${[...valued].sort().map(quote).join(' ')}`,
    '',
    `# The words typed after ${bin} (before the cursor) that are not flags or flag values.`,
    `function ${fn}_words`,
    `    set -l tokens (commandline -opc)`,
    `    set -e tokens[1]`,
    `    set -l skip 0`,
    `    for t in $tokens`,
    `        if test $skip = 1`,
    `            set skip 0`,
    `            continue`,
    `        end`,
    `        if string match -q -- '-*' $t`,
    `            if not string match -q -- '*=*' $t; and contains -- $t $${fn}_valued`,
    `                set skip 1`,
    `            end`,
    `            continue`,
    `        end`,
    `        echo $t`,
    `    end`,
    `end`,
    '',
    `# The command the words name: the longest run of leading words that is one (its arguments follow).`,
    `function ${fn}_command`,
    `    set -l words (${fn}_words)`,
    `    for n in (seq (count $words) -1 1)`,
    `        set -l candidate (string join ' ' $words[1..$n])`,
    `        if contains -- $candidate $${fn}_commands`,
    `            echo $candidate`,
    `            return 0`,
    `        end`,
    `    end`,
    `    return 1`,
    `end`,
    '',
    `# True when the words so far are exactly $argv[1] ('' at the start): the next word is a subcommand.`,
    `function ${fn}_at`,
    `    set -l words (string join ' ' (${fn}_words))`,
    `    test "$words" = "$argv[1]"`,
    `end`,
    '',
    `# True when the line runs the command $argv[1].`,
    `function ${fn}_using`,
    `    set -l command (${fn}_command)`,
    `    test "$command" = "$argv[1]"`,
    `end`,
    '',
    `complete -c ${bin} -f`,
  ]

  // Subcommands and topics, level by level: the words after `parent`.
  const summaries = new Map<string, string>()
  for (const t of topics) if (!t.hidden) summaries.set(t.name.split(':').join(' '), oneLine(t.description))
  for (const c of visible) summaries.set(c.id.split(':').join(' '), oneLine(c.summary ?? c.description))
  const children = new Map<string, Set<string>>()
  for (const path of summaries.keys()) {
    const words = path.split(' ')
    for (let i = 0; i < words.length; i++) {
      const parent = words.slice(0, i).join(' ')
      const set = children.get(parent) ?? new Set<string>()
      set.add(words[i])
      children.set(parent, set)
    }
  }
  for (const [parent, names] of [...children].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push('', `# ${parent ? `${bin} ${parent}` : bin} …`)
    for (const name of [...names].sort()) {
      const path = parent ? `${parent} ${name}` : name
      const summary = summaries.get(path)
      lines.push(`complete -c ${bin} -n ${quote(`${fn}_at ${quote(parent)}`)} -a ${quote(name)}${summary ? ` -d ${quote(summary)}` : ''}`)
    }
  }

  for (const c of visible) {
    const id = c.id.split(':').join(' ')
    const when = `-n ${quote(`${fn}_using ${quote(id)}`)}`
    const flags = Object.values(c.flags).filter((f) => !f.hidden).sort((a, b) => a.name.localeCompare(b.name))
    const args = Object.entries(c.args).filter(([, a]) => !a.hidden)
    if (flags.length === 0 && args.length === 0) continue
    lines.push('', `# ${bin} ${id}`)
    if (args.some(([name, a]) => FILE_ARG.test(name) || FILE_ARG.test(a.description ?? ''))) lines.push(`complete -c ${bin} ${when} -F`)
    for (const f of flags) {
      const parts = [`complete -c ${bin}`, when, `-l ${f.name}`]
      if (f.char) parts.push(`-s ${f.char}`)
      if (f.type === 'option') parts.push(f.options?.length ? `-x -a ${quote(f.options.join(' '))}` : FILE_ARG.test(f.name) ? '-r -F' : '-x')
      const text = oneLine(f.summary ?? f.description)
      if (text) parts.push(`-d ${quote(text)}`)
      lines.push(parts.join(' '))
      if (f.type === 'boolean' && f.allowNo) lines.push(`complete -c ${bin} ${when} -l no-${f.name}`)
    }
  }
  return `${lines.join('\n')}\n`
}
