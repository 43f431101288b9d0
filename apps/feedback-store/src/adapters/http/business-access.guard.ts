import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '@feedback/auth';
import { DomainError } from '@feedback/http';
import { decideBusinessAccess, type BusinessAccessRole, type BusinessAction } from '../../domain/business-roster.policy';
import { BusinessRosterRepository } from '../mongo/business-roster.repository';

const PERMISSION = 'feedback-store:business-permission';

type GuardedRequest = Request & { principal?: Principal; businessAccessRole?: BusinessAccessRole };

/**
 * The route also needs the caller on the latest profile of the `:businessId`
 * business, with a role that grants `action` (or a processor credential, where
 * `action` allows one). A guard (not a check in the handler) so the 403 comes
 * before body validation (DESIGN.md 3.3 order of checks).
 */
export function BusinessPermission(action: BusinessAction) {
  return applyDecorators(SetMetadata(PERMISSION, action), UseGuards(BusinessAccessGuard));
}

/** Injects how the caller acts for the business (admin, member or processor), as the guard decided it. */
export const BusinessAccessRoleOf = createParamDecorator((_: unknown, ctx: ExecutionContext): BusinessAccessRole => {
  const role = ctx.switchToHttp().getRequest<GuardedRequest>().businessAccessRole;
  if (!role) throw new Error('BusinessAccessRoleOf() needs @BusinessPermission() on the route');
  return role;
});

/** Runs after the global AuthGuard, which has verified the token, its role and its business. */
@Injectable()
export class BusinessAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly rosters: BusinessRosterRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<BusinessAction | undefined>(PERMISSION, context.getHandler());
    if (!action) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const businessId = request.params.businessId;
    if (!request.principal || typeof businessId !== 'string') throw new DomainError(403, 'forbidden', 'this route needs a business user');
    // A processor is not on the roster: its rights do not depend on it.
    const roster = request.principal.role === 'business' ? await this.rosters.findByBusinessId(businessId) : undefined;
    const decision = decideBusinessAccess({ userId: request.principal.sub, role: request.principal.role }, roster, action);
    if (!decision.allowed) throw new DomainError(403, 'forbidden', decision.reason);
    request.businessAccessRole = decision.role;
    return true;
  }
}
