/**
 * Slack Web API failures mapped onto the small error family every adapter shares
 * (authentication, permission, rate limit, validation, network), plus `gone`: the
 * conversation no longer exists for us, so its reference is marked inactive.
 */
export type SlackFailureKind = 'authentication' | 'permission' | 'rate_limit' | 'validation' | 'network' | 'gone';

/** Slack error codes after which a conversation cannot be reached any more. */
export const GONE_ERRORS = ['channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive'] as const;
/** Slack error codes of `chat.update` after which that message cannot be updated any more (the conversation may be fine). */
export const MESSAGE_GONE_ERRORS = ['message_not_found', 'cant_update_message', 'edit_window_closed'] as const;

const AUTH_ERRORS = ['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'no_permission_for_token'];
const PERMISSION_ERRORS = ['missing_scope', 'restricted_action', 'not_allowed_token_type', 'ekm_access_denied', 'team_access_not_granted'];

export class SlackApiError extends Error {
  constructor(
    readonly kind: SlackFailureKind,
    /** Slack's error code (`channel_not_found`) or our own (`http_500`, `network`). */
    readonly code: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(`Slack API: ${code}`, options);
    this.name = 'SlackApiError';
  }
}

function kindOfCode(code: string): SlackFailureKind {
  if ((GONE_ERRORS as readonly string[]).includes(code)) return 'gone';
  if (AUTH_ERRORS.includes(code)) return 'authentication';
  if (PERMISSION_ERRORS.includes(code)) return 'permission';
  if (code === 'ratelimited' || code === 'rate_limited') return 'rate_limit';
  return 'validation';
}

/** Maps whatever the Web API client threw (see @slack/web-api ErrorCode) to a SlackApiError. */
export function toSlackApiError(e: unknown): SlackApiError {
  if (e instanceof SlackApiError) return e;
  const err = e as { code?: unknown; data?: { error?: unknown }; retryAfter?: unknown; statusCode?: unknown };
  switch (err?.code) {
    case 'slack_webapi_platform_error': {
      const code = typeof err.data?.error === 'string' ? err.data.error : 'unknown_error';
      return new SlackApiError(kindOfCode(code), code, undefined, { cause: e });
    }
    case 'slack_webapi_rate_limited_error':
      return new SlackApiError('rate_limit', 'ratelimited', typeof err.retryAfter === 'number' ? err.retryAfter : 1, { cause: e });
    case 'slack_webapi_http_error':
      return new SlackApiError('network', `http_${String(err.statusCode)}`, undefined, { cause: e });
    default:
      return new SlackApiError('network', 'network', undefined, { cause: e });
  }
}
