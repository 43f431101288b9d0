import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { decideAccess, type AccessRule } from './access.policy';
import type { Principal, Role } from './principal';
import { verifyApiToken } from './tokens';

const ACCESS_RULE = 'feedback:access-rule';
const PUBLIC_ROUTE = 'feedback:public-route';

/** Token secret for the guard; provided by each app from its validated config. */
export abstract class AuthSettings {
  abstract readonly jwtSecret: string;
}

/** The route needs a token of one of `roles`; with `tenantParam`, of that business. */
export function Access(rule: AccessRule) {
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: '`unauthorized`: missing, malformed, expired or forged token' }),
    ApiForbiddenResponse({ description: '`forbidden`: wrong role or another business' }),
  );
}

/** The route is reached without an API token (health, metrics, respondent links). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

/** Injects the verified caller into a handler. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return (ctx.switchToHttp().getRequest<Request & { principal: Principal }>()).principal;
});

/**
 * Global guard: every HTTP route is closed unless it declares `@Access` or `@PublicRoute`.
 * 401 for any token problem, 403 for a valid token that may not use the route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly settings: AuthSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, targets);

    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!match?.[1]) throw new UnauthorizedException({ statusCode: 401, error: 'unauthorized', message: 'a Bearer token is required' });
    const verified = verifyApiToken(match[1], this.settings.jwtSecret);
    if (!verified.ok) throw new UnauthorizedException({ statusCode: 401, error: 'unauthorized', message: verified.reason });
    request.principal = verified.principal;

    // A route that forgot to declare its access is closed, not open.
    if (!rule) throw new ForbiddenException({ statusCode: 403, error: 'forbidden', message: 'this route is not open to API tokens' });
    const decision = decideAccess(verified.principal, rule, request.params as Record<string, string>, request.method);
    if (!decision.allowed) throw new ForbiddenException({ statusCode: 403, error: 'forbidden', message: decision.reason });
    return true;
  }
}

export type { Role };
