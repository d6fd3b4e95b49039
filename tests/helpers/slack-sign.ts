import { createHmac } from 'node:crypto';

/**
 * Signs requests the way Slack does (v0: HMAC-SHA256 over `v0:<ts>:<raw body>`),
 * written out here rather than imported, so the test does not trust the code under test.
 */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(secret, timestamp, body) };
}

/** A slash command as Slack sends it: form-urlencoded fields. */
export function commandBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** An interaction (block_actions, view_submission) as Slack sends it: `payload=<json>`, form-urlencoded. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackPost {
  body: string;
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
  secret?: string;
  timestamp?: number;
  headers?: Record<string, string>;
  /** No signature headers at all. */
  unsigned?: boolean;
}

export async function postToSlackEndpoint(url: string, p: SlackPost): Promise<{ status: number; text: string; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': p.contentType,
      ...(p.unsigned ? {} : signedHeaders(p.secret ?? '', p.body, p.timestamp)),
      ...p.headers,
    },
    body: p.body,
  });
  return { status: res.status, text: await res.text(), ms: Date.now() - started };
}
