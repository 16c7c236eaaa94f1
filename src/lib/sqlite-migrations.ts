import type BetterSqlite3 from 'better-sqlite3'

/** One schema step: SQL, or a function for what SQL alone cannot say. Step n brings the database to version n (its index + 1). */
export type Migration = string | ((db: BetterSqlite3.Database) => void)

/**
 * Brings a database to the newest schema: the steps after its `PRAGMA user_version` run in order,
 * each in the same transaction as the version it sets, so a crash leaves a whole version. The
 * write lock is taken first (`BEGIN IMMEDIATE`), so two processes opening one file run each step
 * once. A database from a newer edge (a version beyond the steps) is refused rather than misread.
 *
 * Step 1 of each store is the schema as it was before versions (every statement IF NOT EXISTS),
 * so a database made then, at version 0, passes through it unchanged.
 */
export function migrate(db: BetterSqlite3.Database, steps: readonly Migration[], what: string): void {
  checkVersion(db, steps, what)
  if (currentVersion(db) === steps.length) return
  db.transaction(() => {
    for (let version = currentVersion(db) + 1; version <= steps.length; version++) {
      const step = steps[version - 1]
      if (typeof step === 'string') db.exec(step)
      else step(db)
      db.pragma(`user_version = ${version}`)
    }
  }).immediate()
}

/** For a database opened read-only: refuses one from a newer edge (which the code would misread). */
export function checkVersion(db: BetterSqlite3.Database, steps: readonly Migration[], what: string): void {
  const version = currentVersion(db)
  if (version > steps.length) {
    throw new Error(`${what} has schema version ${version}, newer than this edge knows (${steps.length}); upgrade edge to open it.`)
  }
}

function currentVersion(db: BetterSqlite3.Database): number {
  return Number(db.pragma('user_version', {simple: true}))
}
