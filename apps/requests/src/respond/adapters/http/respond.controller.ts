import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PublicRoute, verifyRespondentLink } from '@feedback/auth';
import { SHARED_FIELDS_ORDER, type SharedField } from '../../../domain/shared-fields';
import { DomainError } from '@feedback/http';
import { languageFromAcceptHeader } from '@feedback/i18n';
import type { Disclosure, InformationRequest } from '../../../domain/information-request.types';
import { referenceNumberLabel } from '../../../domain/business-access.policy';
import { DirectoryRepository } from '../../../directory/adapters/mongo/directory.repository';
import { DisclosureInvalid, InformationRequestsService } from '../../../information-requests/information-requests.service';
import { RequestsSettings } from '../../../requests-settings';
import { RespondPages } from '../views/respond-pages.renderer';
import { TokenRateLimiter } from './token-rate-limiter';

const FIELD_INPUT: Record<SharedField, { type: string; autocomplete: string; maxLength: number }> = {
  email: { type: 'email', autocomplete: 'email', maxLength: 320 },
  referenceNumber: { type: 'text', autocomplete: 'off', maxLength: 100 },
  fullName: { type: 'text', autocomplete: 'name', maxLength: 200 },
  phone: { type: 'tel', autocomplete: 'tel', maxLength: 25 },
};

/** Respondent pages carry a bearer secret in the URL: never cached, framed, or leaked by referrer. */
function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

const wantsJson = (req: Request) => req.is('application/json') === 'application/json';

interface FormState {
  shared: Partial<Record<SharedField, boolean>>;
  values: Partial<Record<SharedField, string>>;
  errors: Partial<Record<string, string>>;
}

/**
 * The respondent form: the only way to answer (F2). GET shows it; POST answers
 * as an HTML form post or as JSON; POST .../decline declines. Links are
 * single-purpose, bound to one request, and expire with it.
 */
@ApiTags('respondent forms')
@Controller('respond')
@PublicRoute()
export class RespondController {
  private readonly limiter = new TokenRateLimiter();

  constructor(
    private readonly pages: RespondPages,
    private readonly informationRequests: InformationRequestsService,
    private readonly directory: DirectoryRepository,
    private readonly settings: RequestsSettings,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'The localized form a respondent link opens (HTML)' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the form' })
  @ApiResponse({ status: 404, description: '`not_found`: not a valid link' })
  @ApiResponse({ status: 409, description: '`already_answered`' })
  @ApiResponse({ status: 410, description: '`expired`' })
  @ApiResponse({ status: 429, description: '`rate_limited`: too many requests for this link' })
  async show(@Param('token') token: string, @Headers('accept-language') acceptLanguage: string | undefined, @Res() res: Response): Promise<void> {
    secure(res);
    let lang = this.pages.language(languageFromAcceptHeader(acceptLanguage));
    try {
      this.rateLimit(token);
      const { request, language } = await this.resolve(token);
      lang = language;
      await this.informationRequests.answerable(request.id);
      res.status(200).type('html').send(await this.form(token, request, language, { shared: {}, values: {}, errors: {} }));
    } catch (error) {
      this.sendPageError(res, error, lang);
    }
  }

  @Post(':token')
  @HttpCode(201)
  @ApiOperation({ summary: 'Answer: share the chosen details (JSON or HTML form post)' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      description: 'each field present is a field the person chose to share (I3); at least one',
      properties: { email: { type: 'string' }, referenceNumber: { type: 'string' }, fullName: { type: 'string' }, phone: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 201, description: 'answered: JSON `{id, status, sharedFields}` or a confirmation page' })
  @ApiResponse({ status: 400, description: '`validation_failed` with the failing fields' })
  @ApiResponse({ status: 404, description: '`not_found`' })
  @ApiResponse({ status: 409, description: '`already_answered`' })
  @ApiResponse({ status: 410, description: '`expired`' })
  @ApiResponse({ status: 429, description: '`rate_limited`' })
  async answer(@Param('token') token: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    secure(res);
    const json = wantsJson(req);
    let lang = this.pages.language(languageFromAcceptHeader(req.headers['accept-language']));
    let state: FormState = { shared: {}, values: {}, errors: {} };
    let request: InformationRequest | undefined;
    try {
      this.rateLimit(token);
      const resolved = await this.resolve(token);
      request = resolved.request;
      lang = resolved.language;
      let disclosure: Disclosure;
      if (json) disclosure = parseJsonDisclosure(body);
      else {
        state = parseFormDisclosure(body);
        disclosure = Object.fromEntries(SHARED_FIELDS_ORDER.filter((f) => state.shared[f]).map((f) => [f, state.values[f] ?? '']));
      }
      const answered = await this.informationRequests.answer(request.id, disclosure);
      if (json) {
        res.status(201).json({ id: answered.id, status: answered.status, sharedFields: answered.sharedFields });
        return;
      }
      const business = await this.directory.findBusiness(request.businessId);
      const businessName = business?.name ?? '';
      res.status(201).type('html').send(this.pages.render('message', lang, { title: this.pages.t(lang, 'info.answeredTitle'), message: this.pages.t(lang, 'info.answered', { business: businessName }), businessName, privacyPolicyUrl: business?.privacyPolicyUrl }));
    } catch (error) {
      if (json) throw error;
      if (error instanceof DisclosureInvalid && request) {
        res.status(400).type('html').send(await this.form(token, request, lang, { ...state, errors: error.fieldErrors }));
        return;
      }
      this.sendPageError(res, error, lang);
    }
  }

  @Post(':token/decline')
  @HttpCode(201)
  @ApiOperation({ summary: 'Decline the request (JSON or HTML form post)' })
  @ApiResponse({ status: 201, description: 'declined: JSON `{id, status}` or a confirmation page' })
  @ApiResponse({ status: 404, description: '`not_found`' })
  @ApiResponse({ status: 409, description: '`already_answered`' })
  @ApiResponse({ status: 410, description: '`expired`' })
  @ApiResponse({ status: 429, description: '`rate_limited`' })
  async decline(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    secure(res);
    const json = wantsJson(req);
    let lang = this.pages.language(languageFromAcceptHeader(req.headers['accept-language']));
    try {
      this.rateLimit(token);
      const resolved = await this.resolve(token);
      lang = resolved.language;
      const declined = await this.informationRequests.decline(resolved.request.id);
      if (json) {
        res.status(201).json({ id: declined.id, status: declined.status });
        return;
      }
      const business = await this.directory.findBusiness(declined.businessId);
      const message = this.pages.t(lang, 'info.declined', { business: business?.name ?? '' });
      res.status(201).type('html').send(this.pages.render('message', lang, { title: this.pages.t(lang, 'info.declinedTitle'), message, businessName: business?.name, privacyPolicyUrl: business?.privacyPolicyUrl }));
    } catch (error) {
      if (json) throw error;
      this.sendPageError(res, error, lang);
    }
  }

  private rateLimit(token: string): void {
    if (!this.limiter.take(token)) throw new DomainError(429, 'rate_limited', 'too many requests for this link; wait a minute');
  }

  /** The request a link is bound to, and the language it was sent in. */
  private async resolve(token: string): Promise<{ request: InformationRequest; language: string }> {
    const check = verifyRespondentLink(token, 'information-request', this.settings.respondentLinkKey);
    if (!check.ok) {
      if (check.reason === 'expired') throw new DomainError(410, 'expired', 'the time to answer this request has passed');
      throw new DomainError(404, 'not_found', 'this link is not valid');
    }
    const request = await this.informationRequests.find(check.link.subjectId);
    if (!request) throw new DomainError(404, 'not_found', 'this link is not valid');
    return { request, language: this.pages.language(check.link.language) };
  }

  private async form(token: string, request: InformationRequest, lang: string, state: FormState): Promise<string> {
    const [business, settings] = await Promise.all([this.directory.findBusiness(request.businessId), this.directory.findSettings(request.businessId)]);
    const businessName = business?.name ?? '';
    const customLabel = referenceNumberLabel(settings.referenceNumberLabel, business?.referenceNumberLabel);
    const label = (field: SharedField) => (field === 'referenceNumber' && customLabel ? customLabel : this.pages.t(lang, `info.fields.${field}`));
    const errorText = (key: string | undefined) => (key ? this.pages.t(lang, `errors.${key}`) : undefined);
    const fields = SHARED_FIELDS_ORDER.map((name) => ({
      name,
      label: label(name),
      ...FIELD_INPUT[name],
      shared: state.shared[name] ?? false,
      value: state.values[name] ?? '',
      error: errorText(state.errors[name]),
    }));
    const errorList = [
      ...(state.errors.form ? [{ anchor: 'share-email', text: errorText(state.errors.form) }] : []),
      ...fields.filter((f) => f.error).map((f) => ({ anchor: f.name, text: `${f.label}: ${f.error}` })),
    ];
    return this.pages.render('information-form', lang, {
      title: this.pages.t(lang, 'info.title', { business: businessName }),
      businessName,
      privacyPolicyUrl: business?.privacyPolicyUrl,
      deadline: this.pages.formatDeadline(lang, request.expiresAt),
      shareLabel: this.pages.t(lang, 'info.share'),
      token,
      fields,
      errorList,
    });
  }

  private sendPageError(res: Response, error: unknown, lang: string): void {
    const status = error instanceof DomainError ? error.statusCode : 500;
    const code = error instanceof DomainError ? error.code : 'internal_error';
    const known = ['expired', 'already_answered', 'not_found', 'rate_limited'];
    const message = known.includes(code) ? this.pages.t(lang, `errors.${code}`) : 'Something went wrong. Please try again later.';
    if (status >= 500) throw error;
    res.status(status).type('html').send(this.pages.render('message', lang, { title: this.pages.t(lang, 'errors.title'), message, isError: true }));
  }
}

/** JSON answers: each present field is one the person chose to share; values must be strings. */
function parseJsonDisclosure(body: unknown): Disclosure {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError(400, 'validation_failed', 'the body must be a JSON object', { fields: [{ field: '(body)', problems: ['not an object'] }] });
  }
  const unknown = Object.keys(body).filter((key) => !(SHARED_FIELDS_ORDER as readonly string[]).includes(key));
  const notText = SHARED_FIELDS_ORDER.filter((key) => key in body && typeof (body as Record<string, unknown>)[key] !== 'string');
  if (unknown.length || notText.length) {
    const fields = [...unknown.map((field) => ({ field, problems: ['is not a field of this form'] })), ...notText.map((field) => ({ field, problems: ['must be a string'] }))];
    throw new DomainError(400, 'validation_failed', fields.map((f) => `${f.field} ${f.problems[0]}`).join('; '), { fields });
  }
  return Object.fromEntries(SHARED_FIELDS_ORDER.filter((key) => key in body).map((key) => [key, (body as Record<string, string>)[key]]));
}

/** HTML form posts: `share_<field>=yes` marks consent; a value without consent is not shared. */
function parseFormDisclosure(body: unknown): FormState {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 1000) : '');
  const state: FormState = { shared: {}, values: {}, errors: {} };
  for (const field of SHARED_FIELDS_ORDER) {
    state.shared[field] = form[`share_${field}`] === 'yes';
    state.values[field] = text(form[field]);
  }
  return state;
}
