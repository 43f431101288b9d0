import { Controller, Get, Header, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '@feedback/auth';
import { DashboardPages } from '../views/dashboard-page.renderer';

/** Scripts, styles and data from this service only; nothing inline, no framing, no referrer. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * The analyst dashboard (A3). The page itself is public and holds no figures;
 * after sign-in its script reads the stats API with the analyst's token, which
 * is typed into a form and kept in the tab's sessionStorage, never in a URL.
 */
@ApiTags('dashboard')
@Controller('dashboard')
@PublicRoute()
export class DashboardController {
  constructor(private readonly pages: DashboardPages) {}

  @Get()
  @ApiOperation({ summary: 'The analysts\' dashboard (HTML): sign in with an analyst token, charts, filters, CSV download' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'the page' })
  page(@Res() res: Response): void {
    secure(res);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type('html').send(this.pages.render());
  }

  @Get('assets/dashboard.css')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('X-Content-Type-Options', 'nosniff')
  stylesheet(): string {
    return this.pages.stylesheet;
  }

  @Get('assets/favicon.svg')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('X-Content-Type-Options', 'nosniff')
  icon(): string {
    return this.pages.icon;
  }

  @Get('assets/dashboard.js')
  @ApiExcludeEndpoint()
  script(@Res() res: Response): void {
    const script = this.pages.script;
    if (script === undefined) throw new NotFoundException('the dashboard script is built by `npm run build`');
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).send(script.replace(/\n\/\/# sourceMappingURL=.*$/, '\n'));
  }
}
