// The contract between server and web: domain types and schemas, the incident workflow,
// geometry. No I/O and no framework here.
export * from './domain/common.js';
export * from './domain/regions.js';
export * from './domain/levels.js';
export * from './domain/cameras.js';
export * from './domain/organisation.js';
export * from './domain/city.js';
export * from './domain/attachments.js';
export * from './domain/incidents.js';
export * from './domain/reports.js';
export * from './workflow/rules.js';
export * from './workflow/deadlines.js';
export * from './workflow/actions.js';
export * from './workflow/apply.js';
export * from './workflow/centres.js';
export * from './geo/distance.js';
export * from './geo/polygon.js';
export * from './geo/area-index.js';
export * from './geo/camera-view.js';
export * from './realtime/events.js';
export * from './realtime/sequence.js';
export * from './realtime/wall.js';
export * from './realtime/wire.js';
export * from './random.js';
export * from './api/incidents.js';
export * from './api/intake.js';
export * from './api/field.js';
