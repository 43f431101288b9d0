import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '@feedback/auth';
import { isBusinessAdmin } from '../../../domain/business-access.policy';
import { DirectoryRepository } from '../mongo/directory.repository';

/**
 * Admin-only routes: admin status comes from the business's latest profile.
 * A guard, so the 403 comes before body validation (DESIGN.md 3.3 order).
 */
@Injectable()
export class BusinessAdminGuard implements CanActivate {
  constructor(private readonly directory: DirectoryRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const business = await this.directory.findBusiness(String(request.params.businessId));
    if (!request.principal || !isBusinessAdmin(business, request.principal.sub)) {
      throw new ForbiddenException({ statusCode: 403, error: 'forbidden', message: 'only an admin of this business may do this' });
    }
    return true;
  }
}
