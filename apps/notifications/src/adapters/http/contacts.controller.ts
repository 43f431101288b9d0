import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Access } from '@feedback/auth';
import { maskEmail } from '@feedback/pii';
import { ContactRepository } from '../mongo/contact.repository';

export class ContactView {
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'masked: enough to recognise, not to reuse', example: 'a***@example.com' }) email!: string;
  @ApiProperty({ example: 'nl-BE' }) preferredLanguage!: string;
  @ApiProperty({ description: 'time of the profile event this entry reflects' }) asOf!: string;
}

/** The contact directory, for the integrity team and operators checking why an email went where it did. */
@ApiTags('contacts')
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactRepository) {}

  @Get(':userId')
  @Access({ roles: ['integrity'] })
  @ApiOperation({ summary: 'Whether and how a person can be reached (email masked)' })
  @ApiOkResponse({ type: ContactView })
  @ApiNotFoundResponse({ description: '`not_found`: no profile known for this user' })
  async get(@Param('userId') userId: string): Promise<ContactView> {
    const contact = await this.contacts.findByUserId(userId);
    if (!contact) throw new NotFoundException({ statusCode: 404, error: 'not_found', message: `no contact for user ${userId}` });
    return { userId, email: maskEmail(contact.email), preferredLanguage: contact.preferredLanguage, asOf: contact.asOf.toISOString() };
  }
}
