/** @feedback/auth: API tokens (JWT HS256), roles and the tenant check (DESIGN.md 3.3). */
export * from './principal';
export * from './tokens';
export * from './access.policy';
export * from './auth.guard';
export * from './respondent-links';
