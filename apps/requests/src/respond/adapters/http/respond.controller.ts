import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PublicRoute } from '@feedback/auth';
import { DomainError, TokenRateLimiter } from '@feedback/http';
import { languageFromAcceptHeader } from '@feedback/i18n';
import type { FeedbackAnswer } from '../../../domain/feedback-request.types';
import type { Disclosure } from '../../../domain/information-request.types';
import { SHARED_FIELDS_ORDER } from '../../../domain/shared-fields';
import { AnswerInvalid } from '../../../feedback-requests/feedback-requests.service';
import { DisclosureInvalid } from '../../../information-requests/information-requests.service';
import { RespondForms, type FeedbackFormState, type InformationFormState, type Resolved } from '../../respond-forms';
import { RespondPages } from '../views/respond-pages.renderer';

/** Respondent pages carry a bearer secret in the URL: never cached, framed, or leaked by referrer. */
function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

const wantsJson = (req: Request) => req.is('application/json') === 'application/json';
const invalid = (fields: { field: string; problems: string[] }[]) =>
  new DomainError(400, 'validation_failed', fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; '), { fields });

/**
 * The respondent forms: the only way to answer (F2). GET shows the form a link
 * leads to; POST answers, as an HTML form post or as JSON; POST .../decline
 * declines. Links are single-purpose, bound to one request, and expire with it.
 * There is no route that changes an answer (F6).
 */
@ApiTags('respondent forms')
@Controller('respond')
@PublicRoute()
export class RespondController {
  private readonly limiter = new TokenRateLimiter();

  constructor(
    private readonly forms: RespondForms,
    private readonly pages: RespondPages,
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
      const resolved = await this.forms.resolve(token);
      lang = resolved.language;
      await this.forms.ensureAnswerable(resolved);
      const html =
        resolved.kind === 'information'
          ? await this.forms.informationForm(token, resolved.request, lang, { shared: {}, values: {}, errors: {} })
          : await this.forms.feedbackForm(token, resolved.request, lang, { errors: {} });
      res.status(200).type('html').send(html);
    } catch (error) {
      this.sendPageError(res, error, lang);
    }
  }

  @Post(':token')
  @HttpCode(201)
  @ApiOperation({ summary: 'Answer, once (JSON or HTML form post)' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      oneOf: [
        {
          title: 'information request',
          type: 'object',
          description: 'each field present is a field the person chose to share (I3); at least one',
          properties: { email: { type: 'string' }, referenceNumber: { type: 'string' }, fullName: { type: 'string' }, phone: { type: 'string' } },
        },
        {
          title: 'feedback request',
          type: 'object',
          description: '`score` for csat (1–5) and nps (0–10), `option` for custom surveys; `comment` up to 2,000 characters (F4)',
          properties: { score: { type: 'integer' }, option: { type: 'string' }, comment: { type: 'string', maxLength: 2000 } },
        },
      ],
    },
  })
  @ApiResponse({ status: 201, description: 'answered: JSON `{id, status, ...}` or a confirmation page (with the share prompt, F9)' })
  @ApiResponse({ status: 400, description: '`validation_failed` with the failing fields' })
  @ApiResponse({ status: 404, description: '`not_found`' })
  @ApiResponse({ status: 409, description: '`already_answered`: an answer can never be replaced (F6)' })
  @ApiResponse({ status: 410, description: '`expired`' })
  @ApiResponse({ status: 429, description: '`rate_limited`' })
  async answer(@Param('token') token: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    secure(res);
    const json = wantsJson(req);
    let lang = this.pages.language(languageFromAcceptHeader(req.headers['accept-language']));
    let resolved: Resolved | undefined;
    let informationState: InformationFormState = { shared: {}, values: {}, errors: {} };
    let feedbackState: FeedbackFormState = { errors: {} };
    try {
      this.rateLimit(token);
      resolved = await this.forms.resolve(token);
      lang = resolved.language;
      if (resolved.kind === 'information') {
        let disclosure: Disclosure;
        if (json) disclosure = parseJsonDisclosure(body);
        else {
          informationState = parseFormDisclosure(body);
          disclosure = Object.fromEntries(SHARED_FIELDS_ORDER.filter((f) => informationState.shared[f]).map((f) => [f, informationState.values[f] ?? '']));
        }
        const answered = await this.forms.answerInformation(resolved.request, disclosure);
        if (json) return void res.status(201).json({ id: answered.id, status: answered.status, sharedFields: answered.sharedFields });
      } else {
        let answer: FeedbackAnswer;
        if (json) answer = parseJsonAnswer(body);
        else {
          feedbackState = parseFormAnswer(body);
          answer = toAnswer(resolved.request.survey.type, feedbackState);
        }
        const answered = await this.forms.answerFeedback(resolved.request, answer);
        if (json) return void res.status(201).json({ id: answered.id, status: answered.status });
      }
      res.status(201).type('html').send(await this.forms.answeredPage(resolved));
    } catch (error) {
      if (json) throw error;
      if (error instanceof DisclosureInvalid && resolved?.kind === 'information') {
        res.status(400).type('html').send(await this.forms.informationForm(token, resolved.request, lang, { ...informationState, errors: error.fieldErrors }));
        return;
      }
      if (error instanceof AnswerInvalid && resolved?.kind === 'feedback') {
        res.status(400).type('html').send(await this.forms.feedbackForm(token, resolved.request, lang, { ...feedbackState, errors: error.fieldErrors }));
        return;
      }
      this.sendPageError(res, error, lang);
    }
  }

  @Post(':token/decline')
  @HttpCode(201)
  @ApiOperation({ summary: 'Decline the request (JSON or HTML form post); answering is optional (F5)' })
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
      const resolved = await this.forms.resolve(token);
      lang = resolved.language;
      const declined = await this.forms.decline(resolved);
      if (json) return void res.status(201).json({ id: declined.id, status: declined.status });
      res.status(201).type('html').send(await this.forms.declinedPage(resolved));
    } catch (error) {
      if (json) throw error;
      this.sendPageError(res, error, lang);
    }
  }

  private rateLimit(token: string): void {
    if (!this.limiter.take(token)) throw new DomainError(429, 'rate_limited', 'too many requests for this link; wait a minute');
  }

  private sendPageError(res: Response, error: unknown, lang: string): void {
    if (!(error instanceof DomainError) || error.statusCode >= 500) throw error;
    res.status(error.statusCode).type('html').send(this.forms.errorPage(lang, error.code));
  }
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ field: '(body)', problems: ['must be a JSON object'] }]);
  return body as Record<string, unknown>;
}

/** JSON information answers: each present field is one the person chose to share; values must be strings. */
function parseJsonDisclosure(body: unknown): Disclosure {
  const object = jsonObject(body);
  const problems = [
    ...Object.keys(object).filter((key) => !(SHARED_FIELDS_ORDER as readonly string[]).includes(key)).map((field) => ({ field, problems: ['is not a field of this form'] })),
    ...SHARED_FIELDS_ORDER.filter((key) => key in object && typeof object[key] !== 'string').map((field) => ({ field, problems: ['must be a string'] })),
  ];
  if (problems.length) throw invalid(problems);
  return Object.fromEntries(SHARED_FIELDS_ORDER.filter((key) => key in object).map((key) => [key, object[key] as string]));
}

/** HTML information answers: `share_<field>=yes` marks consent; a value without consent is not shared. */
function parseFormDisclosure(body: unknown): InformationFormState {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 1000) : '');
  const state: InformationFormState = { shared: {}, values: {}, errors: {} };
  for (const field of SHARED_FIELDS_ORDER) {
    state.shared[field] = form[`share_${field}`] === 'yes';
    state.values[field] = text(form[field]);
  }
  return state;
}

/** JSON feedback answers: `{score}` or `{option}`, and an optional `comment`. */
function parseJsonAnswer(body: unknown): FeedbackAnswer {
  const object = jsonObject(body);
  const allowed = ['score', 'option', 'comment'];
  const problems = [
    ...Object.keys(object).filter((key) => !allowed.includes(key)).map((field) => ({ field, problems: ['is not a field of this form'] })),
    ...('score' in object && typeof object.score !== 'number' ? [{ field: 'score', problems: ['must be a number'] }] : []),
    ...(['option', 'comment'] as const).filter((key) => key in object && typeof object[key] !== 'string').map((field) => ({ field, problems: ['must be a string'] })),
  ];
  if (problems.length) throw invalid(problems);
  return { score: object.score as number | undefined, option: object.option as string | undefined, comment: object.comment as string | undefined };
}

function parseFormAnswer(body: unknown): FeedbackFormState {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    choice: typeof form.choice === 'string' ? form.choice.slice(0, 200) : undefined,
    comment: typeof form.comment === 'string' ? form.comment.slice(0, 10_000) : undefined,
    errors: {},
  };
}

/** A form's one choice is a score for csat/nps and a label for custom surveys. */
function toAnswer(surveyType: 'csat' | 'nps' | 'custom', state: FeedbackFormState): FeedbackAnswer {
  const comment = state.comment;
  if (surveyType === 'custom') return { option: state.choice, comment };
  const score = state.choice === undefined || state.choice === '' ? undefined : /^\d{1,2}$/.test(state.choice) ? Number(state.choice) : Number.NaN;
  return { score, comment };
}
