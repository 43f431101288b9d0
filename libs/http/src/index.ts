/** @feedback/http: the HTTP edge every service shares (errors, validation, bootstrap). */
export * from './domain-error';
export * from './error-body';
export * from './http-exception.filter';
export * from './validation.pipe';
export * from './paging';
export * from './token-rate-limiter';
export * from './http-paging';
