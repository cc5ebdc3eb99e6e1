// Recognises a unique-constraint violation whichever driver raised it, so services can turn
// "the database refused a second live binding" into a 409 instead of a 500.
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true; // better-sqlite3
  if (code === '23505') return true; // PostgreSQL unique_violation
  return typeof message === 'string' && /UNIQUE constraint failed/.test(message); // D1
}
