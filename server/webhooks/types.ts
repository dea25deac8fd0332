import type { Actor, IncidentState, IncidentSummary, TimelineEntry } from '../../shared/index.js';

/** What a subscription wants; every list given must match (an absent or empty list matches all). */
export interface WebhookFilter {
  /** Incidents assigned to (or just dispatched to, returned by) any of these departments. */
  departmentIds?: string[];
  /** Incidents whose grid, community, street or district is any of these. */
  regionIds?: string[];
  categories?: string[];
  /** Event names (`incident.created`, `incident.updated`) or per-action ones (`incident.dispatch`). */
  events?: string[];
}

/** A subscription as the admin API shows it: never its secret. */
export interface WebhookSubscription {
  id: string;
  name: string;
  url: string;
  filter: WebhookFilter;
  active: boolean;
  /** The event log's sequence at creation: only later changes are delivered. */
  fromSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** A subscription with the secret its deliveries are signed with: for the sender only. */
export interface SigningSubscription extends WebhookSubscription {
  secret: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One row of the delivery log, as the admin API shows it. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  seq: number;
  event: string;
  incidentId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** ISO-8601; null once delivered or failed. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** The timeline entry a delivery reports: who did what, never their username or session. */
export interface WebhookChange {
  action: TimelineEntry['action'];
  at: string;
  actor: { name: string; role: Actor['role'] };
  comment?: string;
  from: IncidentState | null;
  to: IncidentState;
}

export type WebhookEvent = 'incident.created' | 'incident.updated';

/** The JSON body of every POST; the raw bytes are signed. */
export interface WebhookPayload {
  /** The delivery's id: the same on every retry, so a receiver can drop a repeat. */
  id: string;
  event: WebhookEvent;
  /** The change's place in the event log: per incident, later changes have higher numbers. */
  seq: number;
  /** When the change was committed. */
  at: string;
  incident: IncidentSummary;
  change: WebhookChange | null;
}

/** 10 s, 30 s, 1, 2, 5, 10 and 30 min, then hourly: about 24 hours in all before giving up. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  10_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  1_800_000,
  ...Array.from({ length: 23 }, () => 3_600_000),
];

export interface WebhookOptions {
  /** Delay before each retry (ms): the n-th failure waits the n-th entry; past the end, failed. */
  retrySchedule?: readonly number[];
  timeoutMs?: number;
  concurrency?: number;
  retentionDays?: number;
}
