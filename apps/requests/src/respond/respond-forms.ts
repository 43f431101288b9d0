import { Injectable } from '@nestjs/common';
import { verifyRespondentLink, type LinkPurpose } from '@feedback/auth';
import { DomainError } from '@feedback/http';
import { referenceNumberLabel } from '../domain/business-access.policy';
import { surveyOptions, type AnswerErrors } from '../domain/feedback-request.policy';
import type { FeedbackAnswer } from '../domain/feedback-request.types';
import type { FieldErrors } from '../domain/information-request.policy';
import type { Disclosure, InformationRequest } from '../domain/information-request.types';
import { SHARED_FIELDS_ORDER, type SharedField } from '../domain/shared-fields';
import { DirectoryRepository } from '../directory/adapters/mongo/directory.repository';
import type { StoredFeedbackRequest } from '../feedback-requests/adapters/mongo/feedback-request.repository';
import { FeedbackRequestsService } from '../feedback-requests/feedback-requests.service';
import { InformationRequestsService, type StoredInformationRequest } from '../information-requests/information-requests.service';
import { RequestsSettings } from '../requests-settings';
import { RespondPages } from './adapters/views/respond-pages.renderer';

export type Resolved =
  | { kind: 'information'; request: StoredInformationRequest; language: string }
  | { kind: 'feedback'; request: StoredFeedbackRequest; language: string };

/** The links the respondent form answers (documentation links belong to reporting's form). */
const RESPOND_PURPOSES: readonly LinkPurpose[] = ['information-request', 'feedback-request'];

const FIELD_INPUT: Record<SharedField, { type: string; autocomplete: string; maxLength: number }> = {
  email: { type: 'email', autocomplete: 'email', maxLength: 320 },
  referenceNumber: { type: 'text', autocomplete: 'off', maxLength: 100 },
  fullName: { type: 'text', autocomplete: 'name', maxLength: 200 },
  phone: { type: 'tel', autocomplete: 'tel', maxLength: 25 },
};

/** What the person typed into the information form, shown again with the errors. */
export interface InformationFormState {
  shared: Partial<Record<SharedField, boolean>>;
  values: Partial<Record<SharedField, string>>;
  errors: FieldErrors;
}

export interface FeedbackFormState {
  choice?: string;
  comment?: string;
  errors: AnswerErrors;
}

/**
 * Everything the respondent pages need apart from HTTP: which request a link
 * leads to, and the page for each kind of request and outcome.
 */
@Injectable()
export class RespondForms {
  constructor(
    private readonly pages: RespondPages,
    private readonly informationRequests: InformationRequestsService,
    private readonly feedbackRequests: FeedbackRequestsService,
    private readonly directory: DirectoryRepository,
    private readonly settings: RequestsSettings,
  ) {}

  /** The request a link is bound to (a link has exactly one purpose) and the language it was sent in. */
  async resolve(token: string): Promise<Resolved> {
    const check = verifyRespondentLink(token, RESPOND_PURPOSES, this.settings.respondentLinkKey);
    if (!check.ok && check.reason === 'expired') throw new DomainError(410, 'expired', 'the time to answer this request has passed');
    if (check.ok) {
      const language = this.pages.language(check.link.language);
      const kind: Resolved['kind'] = check.link.purpose === 'information-request' ? 'information' : 'feedback';
      const request = kind === 'information' ? await this.informationRequests.find(check.link.subjectId) : await this.feedbackRequests.find(check.link.subjectId);
      if (request) return { kind, request, language } as Resolved;
    }
    throw new DomainError(404, 'not_found', 'this link is not valid');
  }

  async ensureAnswerable(resolved: Resolved): Promise<void> {
    if (resolved.kind === 'information') await this.informationRequests.answerable(resolved.request.id);
    else await this.feedbackRequests.answerable(resolved.request.id);
  }

  async informationForm(token: string, request: InformationRequest, lang: string, state: InformationFormState): Promise<string> {
    const { business, settings } = await this.directory.findShownBusiness(request.businessId);
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

  async feedbackForm(token: string, request: StoredFeedbackRequest, lang: string, state: FeedbackFormState): Promise<string> {
    const { business } = await this.directory.findShownBusiness(request.businessId);
    const businessName = business?.name ?? '';
    const survey = request.survey;
    const label = (value: string) => (survey.type === 'csat' ? this.pages.t(lang, `feedback.csat.${value}`) : value);
    const options = surveyOptions(survey).map((value) => ({ value, label: label(value), checked: state.choice === value }));
    const choiceProblem = state.errors.score ?? state.errors.option;
    const choiceError = choiceProblem ? this.pages.t(lang, choiceProblem === 'not_an_option' || choiceProblem === 'out_of_range' ? 'errors.not_an_option' : 'errors.choice_required') : undefined;
    const commentError = state.errors.comment ? this.pages.t(lang, 'errors.comment_too_long') : undefined;
    const errorList = [
      ...(choiceError ? [{ anchor: 'choice-0', text: choiceError }] : []),
      ...(commentError ? [{ anchor: 'comment', text: commentError }] : []),
    ];
    return this.pages.render('feedback-form', lang, {
      title: this.pages.t(lang, 'feedback.title', { business: businessName }),
      businessName,
      privacyPolicyUrl: business?.privacyPolicyUrl,
      deadline: this.pages.formatDeadline(lang, request.expiresAt),
      question: this.pages.t(lang, `feedback.question.${survey.type}`, { business: businessName }),
      scaleHint: survey.type === 'nps' ? this.pages.t(lang, 'feedback.nps.scale') : undefined,
      options,
      choiceError,
      comment: state.comment ?? '',
      commentError,
      token,
      errorList,
    });
  }

  /** The page after answering: thanks, and for feedback the share prompt when the business enabled it (F9). */
  async answeredPage(resolved: Resolved): Promise<string> {
    const { request, language: lang } = resolved;
    const { business, settings } = await this.directory.findShownBusiness(request.businessId);
    const businessName = business?.name ?? '';
    const prefix = resolved.kind === 'information' ? 'info' : 'feedback';
    const prompt = resolved.kind === 'feedback' && settings.sharePrompt?.enabled;
    return this.pages.render('answered', lang, {
      title: this.pages.t(lang, `${prefix}.answeredTitle`),
      message: this.pages.t(lang, `${prefix}.answered`, { business: businessName }),
      sharePrompt: prompt ? this.pages.t(lang, 'feedback.sharePrompt') : undefined,
      shareUrl: prompt ? settings.sharePrompt?.url : undefined,
      shareLink: this.pages.t(lang, 'feedback.shareLink', { business: businessName }),
      businessName,
      privacyPolicyUrl: business?.privacyPolicyUrl,
    });
  }

  async declinedPage(resolved: Resolved): Promise<string> {
    const { request, language: lang } = resolved;
    const { business } = await this.directory.findShownBusiness(request.businessId);
    const prefix = resolved.kind === 'information' ? 'info' : 'feedback';
    return this.pages.render('message', lang, {
      title: this.pages.t(lang, `${prefix}.declinedTitle`),
      message: this.pages.t(lang, `${prefix}.declined`, { business: business?.name ?? '' }),
      businessName: business?.name,
      privacyPolicyUrl: business?.privacyPolicyUrl,
    });
  }

  errorPage(lang: string, code: string): string {
    const known = ['expired', 'already_answered', 'not_found', 'rate_limited'];
    const message = this.pages.t(lang, known.includes(code) ? `errors.${code}` : 'errors.not_found');
    return this.pages.render('message', lang, { title: this.pages.t(lang, 'errors.title'), message, isError: true });
  }

  answerInformation(request: StoredInformationRequest, disclosure: Disclosure) {
    return this.informationRequests.answer(request, disclosure);
  }

  answerFeedback(request: StoredFeedbackRequest, answer: FeedbackAnswer) {
    return this.feedbackRequests.answer(request, answer);
  }

  decline(resolved: Resolved) {
    return resolved.kind === 'information' ? this.informationRequests.decline(resolved.request) : this.feedbackRequests.decline(resolved.request);
  }
}
