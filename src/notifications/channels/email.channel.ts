import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, type Transporter } from 'nodemailer';
import type { Environment } from '../../config/environment';

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
}

/** The e-mail channel through SMTP_URL (nodemailer); off when SMTP_URL is not set. */
@Injectable()
export class EmailChannel implements OnApplicationShutdown {
  private transporter?: Transporter;
  private readonly url?: string;
  private readonly from?: string;

  constructor(config: ConfigService<Environment, true>) {
    this.url = config.get('SMTP_URL', { infer: true });
    this.from = config.get('SMTP_FROM', { infer: true });
  }

  get configured(): boolean {
    return this.url !== undefined;
  }

  async send(message: EmailMessage): Promise<void> {
    if (!this.url) {
      throw new Error('SMTP_URL is not set');
    }
    this.transporter ??= createTransport(this.url);
    await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}
