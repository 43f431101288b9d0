import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, TokenRateLimiter } from '@feedback/http';
import { DocumentationForms } from '../../documentation-forms';

/** A request through a documentation link, once the guard has checked the link. */
export type LinkedRequest = Request & { documentationLink?: { reportId: string; language: string } };

/**
 * Checks a documentation link before anything is parsed or uploaded: the
 * per-link rate limit (429 `rate_limited`), then the link itself (404 for a
 * link that is not one of ours or not for documentation, 410 once it expired).
 */
@Injectable()
export class DocumentationLinkGuard implements CanActivate {
  private readonly limiter = new TokenRateLimiter();

  constructor(private readonly forms: DocumentationForms) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<LinkedRequest>();
    const token = String(request.params.token ?? '');
    if (!this.limiter.take(token)) throw new DomainError(429, 'rate_limited', 'too many requests for this link; wait a minute');
    request.documentationLink = this.forms.resolve(token);
    return true;
  }
}
