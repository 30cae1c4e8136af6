export * from './time';
export * from './owners';
export * from './router';
export * from './result';
export * from './route';
