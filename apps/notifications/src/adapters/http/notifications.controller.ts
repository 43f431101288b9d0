import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '@feedback/auth';
import { decodeCursor, DEFAULT_PAGE_SIZE, DomainError, encodeCursor } from '@feedback/http';
import { maskEmail } from '@feedback/pii';
import { DeliveryRepository } from '../mongo/delivery.repository';
import { NotificationLogQuery, NotificationPage } from './dto/notification-log.dto';

/** The delivery log: which emails went out or failed, for the integrity team and operators. */
@ApiTags('notifications')
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly deliveries: DeliveryRepository) {}

  @Get()
  @Access({ roles: ['integrity'] })
  @ApiOperation({
    summary: 'Delivery log, newest first',
    description:
      'Sent and failed emails (never their content). `recipient` matches the address through a keyed hash; ' +
      'addresses are shown in full only when the query names them, masked otherwise.',
  })
  @ApiOkResponse({ type: NotificationPage })
  @ApiBadRequestResponse({ description: '`validation_failed`: bad `status`, `limit`, `recipient` or `cursor` (the failing fields are listed)' })
  async list(@Query() query: NotificationLogQuery): Promise<NotificationPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new DomainError(400, 'validation_failed', 'cursor: not a cursor of this list', { fields: [{ field: 'cursor', problems: ['not a cursor of this list'] }] });
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { entries, more } = await this.deliveries.list({ recipient: query.recipient, status: query.status, after, limit });
    const last = entries.at(-1);
    return {
      items: entries.map((entry) => ({
        notificationId: entry.notificationId,
        // The caller learns no address it did not already name.
        recipient: entry.recipient === undefined ? null : query.recipient !== undefined ? entry.recipient : maskEmail(entry.recipient),
        ...(entry.userId ? { userId: entry.userId } : {}),
        kind: entry.kind,
        language: entry.language,
        status: entry.status,
        attempts: entry.attempts,
        ...(entry.reason ? { reason: entry.reason } : {}),
        at: entry.at.toISOString(),
      })),
      ...(more && last ? { nextCursor: encodeCursor({ at: last.at, id: last.notificationId }) } : {}),
    };
  }
}
