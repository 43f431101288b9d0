import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { respondentLinkKey } from '@feedback/auth';
import { HealthRegistry, OutboxRelay } from '@feedback/service-kit';
import { NotificationsController } from './adapters/http/notifications.controller';
import { BusinessProfileConsumer } from './adapters/kafka/business-profile.consumer';
import { FeedbackRequestConsumer } from './adapters/kafka/feedback-request.consumer';
import { InfoRequestConsumer } from './adapters/kafka/info-request.consumer';
import { ReportConsumer } from './adapters/kafka/report.consumer';
import { UserProfileConsumer } from './adapters/kafka/user-profile.consumer';
import { EmailRenderer } from './adapters/mail/email.renderer';
import { MailSender, MailSettings, SmtpMailSender } from './adapters/mail/mail.sender';
import { DELIVERIES, DeliveryRepository } from './adapters/mongo/delivery.repository';
import { DeliveryDocument, DeliverySchema } from './adapters/mongo/delivery.schema';
import { RecipientHasher } from './adapters/mongo/recipient-hash';
import { BusinessesModule } from './businesses.module';
import type { NotificationsConfig } from './config';
import { ContactsModule } from './contacts.module';
import { EmailPipeline, LinkSettings, WaitingSettings } from './email-pipeline.service';
import { WaitingEmailsJob } from './adapters/jobs/waiting-emails.job';
import { WaitingEmailsMetrics } from './adapters/metrics/waiting-emails.metrics';

/** The email pipeline (render, send, record, announce) and the delivery log. */
@Module({})
export class EmailsModule implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly health: HealthRegistry,
    private readonly mailer: MailSender,
  ) {}

  static forRoot(config: NotificationsConfig): DynamicModule {
    const mail: MailSettings = { smtpUrl: config.SMTP_URL, mailFrom: config.MAIL_FROM };
    const links: LinkSettings = {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      documentationBaseUrl: config.DOCUMENTATION_BASE_URL,
      linkKey: respondentLinkKey(config.AUTH_JWT_SECRET, config.RESPONDENT_LINK_SECRET),
    };
    return {
      module: EmailsModule,
      imports: [MongooseModule.forFeature([{ name: DeliveryDocument.name, schema: DeliverySchema }]), ContactsModule, BusinessesModule],
      // The directories' consumers live here too: storing a profile releases the emails waiting for it.
      controllers: [InfoRequestConsumer, FeedbackRequestConsumer, ReportConsumer, UserProfileConsumer, BusinessProfileConsumer, NotificationsController],
      providers: [
        { provide: MailSettings, useValue: mail },
        { provide: MailSender, useClass: SmtpMailSender },
        { provide: LinkSettings, useValue: links },
        { provide: WaitingSettings, useValue: { maxWaitMs: config.EMAIL_PROFILE_WAIT } satisfies WaitingSettings },
        // Loaded and compiled once at boot: a broken template stops the service instead of an email.
        { provide: EmailRenderer, useFactory: () => EmailRenderer.fromDisk() },
        { provide: RecipientHasher, useValue: new RecipientHasher(config.PII_ENCRYPTION_KEYS) },
        DeliveryRepository,
        EmailPipeline,
        WaitingEmailsJob,
        WaitingEmailsMetrics,
      ],
    };
  }

  onModuleInit(): void {
    // Publishes EmailSent / EmailFailed left in the outbox by a crash or a broker outage.
    this.relay.watch(DELIVERIES);
    // Without its mail server the service can't do its job: /health says so.
    this.health.register({ name: 'smtp', check: () => this.mailer.verify() });
  }
}
