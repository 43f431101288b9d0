import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '@feedback/auth';
import { DocumentationPages } from '../views/documentation-pages.renderer';

/** The documentation pages' stylesheet, served by the service itself (no third-party assets). */
@ApiExcludeController()
@Controller('assets')
@PublicRoute()
export class AssetsController {
  constructor(private readonly pages: DocumentationPages) {}

  @Get('documentation.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @Header('X-Content-Type-Options', 'nosniff')
  stylesheet(): string {
    return this.pages.stylesheet;
  }
}
