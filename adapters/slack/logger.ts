import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/log.js';

/**
 * Bolt and its Web API client log through our pino logger (same redaction, same
 * sink). Their debug level logs whole request bodies (user ids, message text), so
 * debug is dropped here whatever LOG_LEVEL says.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack-sdk' });
  const emit = (level: 'info' | 'warn' | 'error', parts: unknown[]): void => {
    const err = parts.find((p): p is Error => p instanceof Error);
    const msg = parts.filter((p) => !(p instanceof Error)).map(String).join(' ');
    if (err) child[level]({ err }, msg);
    else child[level](msg);
  };
  let level = 'info' as LogLevel;
  return {
    debug: () => undefined,
    info: (...m: unknown[]) => emit('info', m),
    warn: (...m: unknown[]) => emit('warn', m),
    error: (...m: unknown[]) => emit('error', m),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
