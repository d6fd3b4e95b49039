import { parseDocument } from 'yaml';
import { EVENTS_PATH } from './paths.js';

/** The host in manifests/slack/manifest.yaml that `npm run manifest:slack` replaces. */
export const PLACEHOLDER_URL = 'https://ibp-bot.example.nl';

/** Bot scopes the code needs, with the reason; the manifest must list exactly these. */
export const BOT_SCOPES: Record<string, string> = {
  commands: 'slash commands /ibp, /knelpunt, /reflectie, /taal',
  'app_mentions:read': 'app_mention event',
  'im:history': 'message.im event (direct messages)',
  'chat:write': 'chat.postMessage and chat.postEphemeral',
};

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export interface ManifestOptions {
  /** The bot's public https address (PUBLIC_URL); required unless socketMode. */
  publicUrl?: string;
  /** Socket Mode: no Request URLs, `socket_mode_enabled: true`. */
  socketMode?: boolean;
}

/** The manifest template with the real address (or Socket Mode) filled in; comments are kept. */
export function buildManifest(template: string, opts: ManifestOptions): string {
  const doc = parseDocument(template);
  if (opts.socketMode) {
    doc.setIn(['settings', 'socket_mode_enabled'], true);
    doc.deleteIn(['settings', 'event_subscriptions', 'request_url']);
    doc.deleteIn(['settings', 'interactivity', 'request_url']);
    const commands = doc.getIn(['features', 'slash_commands']) as { items?: { delete(k: string): void }[] } | undefined;
    for (const c of commands?.items ?? []) c.delete('url');
    return doc.toString();
  }
  if (!opts.publicUrl) {
    throw new ManifestError('PUBLIC_URL is not set. Set it to the https address where Slack reaches the bot (e.g. PUBLIC_URL=https://ibp-bot.gemeente.nl), or use --socket-mode.');
  }
  let url: URL;
  try {
    url = new URL(opts.publicUrl);
  } catch {
    throw new ManifestError(`PUBLIC_URL=${JSON.stringify(opts.publicUrl)} is not a URL; expected e.g. https://ibp-bot.gemeente.nl`);
  }
  if (url.protocol !== 'https:') throw new ManifestError(`PUBLIC_URL must start with https:// (Slack only calls https Request URLs), got ${url.protocol}`);
  const base = url.origin + url.pathname.replace(/\/+$/, '');
  return doc.toString().split(`${PLACEHOLDER_URL}${EVENTS_PATH}`).join(`${base}${EVENTS_PATH}`);
}
