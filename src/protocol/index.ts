export * from './events';
export * from './summary';
export * from './engineIpc';
export * from './dashboard';
export * from './runProcess';
