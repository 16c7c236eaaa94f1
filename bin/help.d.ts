// Types for bin/help.js (plain JavaScript, so that `edge --help` loads no compiler output), for the tests that import it.

/** The root help, when it can be printed without oclif; undefined otherwise. */
export function prerenderedHelp(args: string[], env: NodeJS.ProcessEnv, stdout: {isTTY?: boolean}): string | undefined

/** Renders dist/help.json (the build's last step). */
export function writeHelp(): Promise<void>
