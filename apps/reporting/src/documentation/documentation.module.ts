import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { ReportingSettings } from '../reporting-settings';
import { ReportStoreModule } from '../reports/report-store.module';
import { AssetsController } from './adapters/http/assets.controller';
import { DocumentationLinkGuard } from './adapters/http/documentation-link.guard';
import { DocumentationPageFilter } from './adapters/http/documentation-page.filter';
import { DocumentationController } from './adapters/http/documentation.controller';
import { IntegrityDocumentationController } from './adapters/http/integrity-documentation.controller';
import { DocumentationFileRepository } from './adapters/mongo/documentation-file.repository';
import { DocumentationPages } from './adapters/views/documentation-pages.renderer';
import { DocumentationForms } from './documentation-forms';
import { DocumentationFilesSweeper } from './documentation-files.sweeper';
import { DocumentationService } from './documentation.service';

/** The reviewer's documentation step (R3): the localized form, the upload, and the integrity team's access to it (R7). */
@Module({
  imports: [
    ReportStoreModule,
    // Uploads stay in memory (at most one file of the size limit) and are sealed before they are stored.
    MulterModule.registerAsync({
      inject: [ReportingSettings],
      useFactory: (settings: ReportingSettings) => ({
        limits: { fileSize: settings.documentationMaxFileBytes, files: 1, fields: 5, parts: 8, fieldNameSize: 100, fieldSize: 256 * 1024 },
      }),
    }),
  ],
  controllers: [DocumentationController, AssetsController, IntegrityDocumentationController],
  providers: [DocumentationPages, DocumentationForms, DocumentationService, DocumentationFileRepository, DocumentationFilesSweeper, DocumentationLinkGuard, DocumentationPageFilter],
})
export class DocumentationModule {}
