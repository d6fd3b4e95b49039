import type { Config } from '../config.js';
import { isLoopbackHost } from '../platform/network.js';

type ExposureConfig = Pick<Config, 'nodeEnv' | 'host' | 'webChat' | 'teams' | 'metrics'>;

/** What anyone who reaches the bot can use without signing in or a token, in words for the start-up log. */
export function openDoors(config: ExposureConfig): string[] {
  const doors: string[] = [];
  if (config.webChat === 'open') doors.push('the web chat (WEB_CHAT=open: no sign-in, limited per client address only)');
  if (!config.teams.appId && config.teams.anonymous) {
    doors.push('Teams, anonymously (TEAMS_ANONYMOUS=true: anyone can act as any Teams user, and the bot answers to whatever serviceUrl a request names)');
  }
  if (config.metrics.mode === 'port') doors.push(`metrics without a token on port ${config.metrics.port} (METRICS_PORT)`);
  return doors;
}

/**
 * The start-up warning, or undefined when there is nothing to warn about: in
 * development and tests whenever HOST lets other machines in (naming what is open),
 * in production when something is open without sign-in.
 */
export function exposureWarning(config: ExposureConfig): string | undefined {
  const reachable = !isLoopbackHost(config.host);
  const doors = openDoors(config);
  if (config.nodeEnv === 'production') {
    return reachable && doors.length > 0 ? `Open without sign-in to anyone who reaches ${config.host}: ${doors.join('; ')}.` : undefined;
  }
  if (!reachable) return undefined;
  const what = doors.length > 0 ? `Open without sign-in: ${doors.join('; ')}.` : 'Nothing is open without sign-in.';
  return `HOST=${config.host}: other machines can reach this ${config.nodeEnv} server. ${what} To keep it on this machine, leave HOST unset (127.0.0.1).`;
}
