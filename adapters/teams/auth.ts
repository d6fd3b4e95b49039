import { ConfigError, type Config } from '../../src/config.js';

/**
 * Our MICROSOFT_APP_* variables mapped onto the setting names botbuilder reads
 * (`MicrosoftAppId`, ...), explicitly: botbuilder would otherwise look them up in
 * process.env under its own names and silently run anonymously when they are missing.
 */
export type TeamsAuthMode =
  | { mode: 'authenticated'; settings: Record<string, string>; appId: string; appType: Config['teams']['appType'] }
  | { mode: 'anonymous' }
  | { mode: 'off'; why: string };

export function teamsAuthMode(config: Pick<Config, 'nodeEnv' | 'teams'>): TeamsAuthMode {
  const { appId, appPassword, tenantId, appType } = config.teams;
  const problems: string[] = [];
  if (!appId && appPassword) problems.push('MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not: set both, or neither for local testing');
  if (appId && !appPassword && appType !== 'UserAssignedMSI') {
    problems.push(`MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID when MICROSOFT_APP_TYPE is ${appType}`);
  }
  if (appPassword && appType === 'UserAssignedMSI') {
    problems.push('MICROSOFT_APP_PASSWORD: must not be set when MICROSOFT_APP_TYPE is UserAssignedMSI (the managed identity has no password)');
  }
  if (appId && !tenantId && appType !== 'MultiTenant') {
    problems.push(`MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is ${appType}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  if (!appId) {
    // Fail closed: an endpoint that accepts anything must never run in production.
    if (config.nodeEnv === 'production') {
      return {
        mode: 'off',
        why: 'MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are not set, and anonymous mode is for local testing only (NODE_ENV=production)',
      };
    }
    return { mode: 'anonymous' };
  }
  return {
    mode: 'authenticated',
    appId,
    appType,
    settings: {
      MicrosoftAppId: appId,
      MicrosoftAppType: appType,
      ...(appPassword ? { MicrosoftAppPassword: appPassword } : {}),
      ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
    },
  };
}
