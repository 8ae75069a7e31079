import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment';

export const SIGNATURE_HEADER = 'x-yibao-signature';

/** `sha256=<hex HMAC-SHA256 of the raw body with the shared secret>` (as GitHub's webhooks do). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The webhook channel: POSTs the stored JSON body to NOTIFY_WEBHOOK_URL with its signature;
 * any answer but 2xx (or no answer within NOTIFY_WEBHOOK_TIMEOUT_MS) is a failed attempt.
 */
@Injectable()
export class WebhookChannel {
  private readonly url?: string;
  private readonly secret?: string;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<Environment, true>) {
    this.url = config.get('NOTIFY_WEBHOOK_URL', { infer: true });
    this.secret = config.get('NOTIFY_WEBHOOK_SECRET', { infer: true });
    this.timeoutMs = config.get('NOTIFY_WEBHOOK_TIMEOUT_MS', { infer: true });
  }

  get target(): string | undefined {
    return this.url;
  }

  async send(
    target: string,
    body: string,
    headers: { event: string; deliveryId: string },
  ): Promise<void> {
    if (!this.secret) {
      throw new Error('NOTIFY_WEBHOOK_SECRET is not set');
    }
    const res = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        [SIGNATURE_HEADER]: signBody(this.secret, body),
        'x-yibao-event': headers.event,
        'x-yibao-delivery': headers.deliveryId,
        'user-agent': 'yibao-flow-webhook/1',
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`webhook answered ${res.status}`);
    }
  }
}
