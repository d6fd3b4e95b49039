/**
 * The SDKs a Teams transport can run on (TEAMS_SDK). Every Teams test that goes through
 * the real endpoint runs once per entry (`describe.each(TEAMS_TRANSPORTS)`), so both
 * transports are held to the same suite.
 */
export const TEAMS_TRANSPORTS = ['botbuilder', 'agents'] as const;
export type TeamsTransportName = (typeof TEAMS_TRANSPORTS)[number];
