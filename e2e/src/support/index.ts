export * from './stack';
export * from './instances';
export * from './upstream';
export * from './browser';
export * from './mail';
export * from './personal';
