export * from './fields';
export * from './similarity';
export * from './compare';
export * from './rules';
export * from './matcher';
export * from './leads';
export * from './merge';
export * from './dedupe';
