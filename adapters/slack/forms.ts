import { randomBytes } from 'node:crypto';
import type { Form } from '../../src/core/reply.js';
import type { Locale } from '../../src/domain/turn.js';

interface Pending {
  form: Form;
  locale: Locale;
  expires: number;
}

/**
 * A modal can only open with a trigger id (from a click or a command, valid 3 s).
 * A form that arrives in answer to a message therefore becomes an "open form"
 * button; this short-lived cache holds the form until the click. In memory on
 * purpose: after a restart the button says the form expired, and the command starts it again.
 */
export class PendingForms {
  private readonly items = new Map<string, Pending>();

  constructor(
    private readonly now: () => Date,
    private readonly ttlMs = 30 * 60 * 1000,
    private readonly max = 1000,
  ) {}

  put(form: Form, locale: Locale): string {
    const t = this.now().getTime();
    for (const [k, v] of this.items) if (v.expires <= t || this.items.size >= this.max) this.items.delete(k);
    const key = randomBytes(12).toString('base64url');
    this.items.set(key, { form, locale, expires: t + this.ttlMs });
    return key;
  }

  get(key: string): Pending | undefined {
    const p = this.items.get(key);
    return p && p.expires > this.now().getTime() ? p : undefined;
  }
}
