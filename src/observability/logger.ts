// Structured JSON logs, one object per line. Callers pass fields, not formatted strings;
// fields whose names suggest secrets or personal data are dropped before writing.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const REDACTED_FIELD =
  /token|secret|password|cookie|authorization|national|iin|signature|code|key|nonce|verifier/i;

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    safe[name] = REDACTED_FIELD.test(name) ? '[redacted]' : value;
  }
  return safe;
}

export function createJsonLogger(minimum: LogLevel, write: (line: string) => void = console.log): Logger {
  return {
    log(level, message, fields = {}) {
      if (ORDER[level] < ORDER[minimum]) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...redact(fields) }));
    },
  };
}

export const silentLogger: Logger = { log() {} };
