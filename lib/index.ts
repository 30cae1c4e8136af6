export * from './lead/schema';
export * from './normalize';
export * from './capture';
export * from './store';
export * from './route';
