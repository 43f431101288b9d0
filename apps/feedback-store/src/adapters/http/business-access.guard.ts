import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '@feedback/auth';
import { DomainError } from '@feedback/http';
import { decideBusinessAccess, type DisclosurePermission } from '../../domain/business-roster.policy';
import { BusinessRosterRepository } from '../mongo/business-roster.repository';

const PERMISSION = 'feedback-store:business-permission';

/**
 * The route also needs the caller on the latest profile of the `:businessId`
 * business, with a role that grants `permission`. A guard (not a check in the
 * handler) so the 403 comes before body validation (DESIGN.md 3.3 order of checks).
 */
export function BusinessPermission(permission: DisclosurePermission) {
  return applyDecorators(SetMetadata(PERMISSION, permission), UseGuards(BusinessAccessGuard));
}

/** Runs after the global AuthGuard, which has verified the token, its role and its business. */
@Injectable()
export class BusinessAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly rosters: BusinessRosterRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.get<DisclosurePermission | undefined>(PERMISSION, context.getHandler());
    if (!permission) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const businessId = request.params.businessId;
    if (!request.principal || typeof businessId !== 'string') throw new DomainError(403, 'forbidden', 'this route needs a business user');
    const roster = await this.rosters.findByBusinessId(businessId);
    const decision = decideBusinessAccess(request.principal.sub, roster, permission);
    if (!decision.allowed) throw new DomainError(403, 'forbidden', decision.reason);
    return true;
  }
}
