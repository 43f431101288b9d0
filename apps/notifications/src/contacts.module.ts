import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ContactsController } from './adapters/http/contacts.controller';
import { ContactRepository } from './adapters/mongo/contact.repository';
import { ContactDocument, ContactSchema } from './adapters/mongo/contact.schema';

/** The contact directory: who can be emailed, at which address, in which language (kept by UserProfileConsumer, in EmailsModule). */
@Module({
  imports: [MongooseModule.forFeature([{ name: ContactDocument.name, schema: ContactSchema }])],
  controllers: [ContactsController],
  providers: [ContactRepository],
  exports: [ContactRepository],
})
export class ContactsModule {}
