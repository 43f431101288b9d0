/** @feedback/config: environment settings validated at boot (DESIGN.md 3.4). */
export * from './duration';
export * from './load-config';
export * from './platform-config';
export * from './connection-config';
