export * from './types';
export * from './sqlite';
