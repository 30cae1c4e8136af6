export * from './email';
export * from './phone';
export * from './name';
export * from './domain';
export * from './country';
export * from './text';
export * from './disposable';
