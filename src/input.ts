/**
 * Checks on text people type, paste or pass in a variable: passphrases and on-chain attributes
 * must not hold control characters. A carriage return pasted with a passphrase makes the key
 * unlockable only with that invisible character; one in `region` registers an attribute nobody
 * can match (ux-test D2).
 */

/** C0 and C1 control characters (Unicode category Cc): CR, LF, Tab, Esc, DEL, NUL, … */
const CONTROL = /\p{Cc}/u

const NAMES: Record<string, string> = {
  '\r': 'a carriage return (\\r)',
  '\n': 'a line feed (\\n)',
  '\t': 'a tab (\\t)',
  '\u001B': 'an escape (\\e)',
  '\u007F': 'a delete (DEL)',
  '\u0000': 'a NUL byte',
}

/** The first control character in `value`, named for a message (never the value itself); undefined if none. */
export function findControlCharacter(value: string): string | undefined {
  const match = CONTROL.exec(value)
  if (!match) return undefined
  const ch = match[0]
  return NAMES[ch] ?? `the control character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
}

/** "The passphrase holds a tab (\t)" for `what` = "The passphrase", or undefined when `value` has no control character. */
export function controlCharacterProblem(value: string, what: string): string | undefined {
  const found = findControlCharacter(value)
  return found ? `${what} holds ${found}` : undefined
}
