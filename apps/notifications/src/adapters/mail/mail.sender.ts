import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { RenderedEmail } from './email.renderer';

/** Where and as whom emails are sent (from the validated config). */
export abstract class MailSettings {
  abstract readonly smtpUrl: string;
  abstract readonly mailFrom: string;
}

export interface OutgoingEmail extends RenderedEmail {
  to: string;
  /** Also the Message-ID's local part and an `X-Notification-Id` header, for tracing without the address. */
  notificationId: string;
  kind: string;
}

/** Hands one email to the mail server; throws what nodemailer throws (classified by delivery.policy). */
export abstract class MailSender {
  abstract send(email: OutgoingEmail): Promise<void>;
  /** Resolves when the mail server answers its greeting; throws otherwise (for /health). */
  abstract verify(): Promise<void>;
}

/**
 * SMTP with pooled connections. Timeouts are short: the Kafka handler holds its
 * partition while it waits and retries, and a hung server must fail over to a
 * retry rather than stall consumption.
 */
@Injectable()
export class SmtpMailSender extends MailSender implements OnApplicationShutdown {
  private readonly transporter: Transporter<SMTPPool.SentMessageInfo>;
  private readonly messageIdDomain: string;

  constructor(private readonly settings: MailSettings) {
    super();
    this.transporter = createTransport({
      pool: true,
      url: settings.smtpUrl,
      maxConnections: 5,
      connectionTimeout: 4000,
      greetingTimeout: 4000,
      socketTimeout: 10_000,
      dnsTimeout: 4000,
      logger: false,
      debug: false,
    });
    this.messageIdDomain = /@([^\s>]+)>?\s*$/.exec(settings.mailFrom)?.[1] ?? 'notifications.invalid';
  }

  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transporter.sendMail({
      from: this.settings.mailFrom,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      // The same notification always has the same Message-ID: a receiving system can drop a duplicate.
      messageId: `<${email.notificationId}@${this.messageIdDomain}>`,
      headers: {
        'Content-Language': email.language,
        // RFC 3834: no auto-replies (vacation notices) to a machine-sent message.
        'Auto-Submitted': 'auto-generated',
        'X-Notification-Id': email.notificationId,
        'X-Notification-Kind': email.kind,
      },
    });
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
