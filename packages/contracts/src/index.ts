// The shared HTTP API contracts. Each area adds its module here.
export * from './connectors.ts';
export * from './identity.ts';
export * from './notifications.ts';
export * from './publishing.ts';
export * from './text.ts';
export * from './workflows.ts';
