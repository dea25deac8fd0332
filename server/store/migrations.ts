/** Schema migrations, applied in order and recorded in schema_migrations. Never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    category TEXT NOT NULL,
    grid_id TEXT NOT NULL,
    community_id TEXT NOT NULL,
    street_id TEXT NOT NULL,
    district_id TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    closed_at TEXT,
    due_at TEXT,
    doc TEXT NOT NULL
  );
  CREATE INDEX incidents_state ON incidents(state);
  CREATE INDEX incidents_reported_at ON incidents(reported_at);
  CREATE INDEX incidents_closed_at ON incidents(closed_at);
  CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    received_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (source, external_id)
  );
  CREATE INDEX reports_incident ON reports(incident_id);
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE camera_status (
    camera_id TEXT PRIMARY KEY,
    status TEXT NOT NULL
  );
  CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  `,
  // Intake is idempotent per integration: one integration's external ids cannot collide with,
  // or claim, another's. Sessions remember the credential they were opened with, so a password
  // changed while the server was down still ends them. The audit trail (审计日志) is append-only.
  `
  CREATE TABLE reports_v2 (
    id TEXT PRIMARY KEY,
    integration TEXT NOT NULL,
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    received_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (integration, source, external_id)
  );
  INSERT INTO reports_v2 (id, integration, source, external_id, incident_id, received_at, doc)
    SELECT id, '', source, external_id, incident_id, received_at, doc FROM reports;
  DROP TABLE reports;
  ALTER TABLE reports_v2 RENAME TO reports;
  CREATE INDEX reports_incident ON reports(incident_id, received_at);
  ALTER TABLE sessions ADD COLUMN credential TEXT NOT NULL DEFAULT '';
  CREATE INDEX sessions_username ON sessions(username);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT,
    actor_role TEXT,
    address TEXT,
    target TEXT,
    camera_id TEXT,
    incident_id TEXT,
    outcome TEXT NOT NULL DEFAULT 'ok',
    detail TEXT
  );
  CREATE INDEX audit_at ON audit(at);
  CREATE INDEX audit_actor ON audit(actor, at);
  CREATE INDEX audit_camera ON audit(camera_id, at) WHERE camera_id IS NOT NULL;
  CREATE INDEX audit_action ON audit(action, at);
  `,
  // A grid worker's phone lists the incidents of its grids: their worker, indexed.
  `
  ALTER TABLE incidents ADD COLUMN grid_worker_id TEXT;
  UPDATE incidents SET grid_worker_id = json_extract(doc, '$.gridWorkerId');
  CREATE INDEX incidents_grid_worker ON incidents(grid_worker_id, state)
    WHERE grid_worker_id IS NOT NULL;
  CREATE INDEX reports_integration ON reports(integration, received_at);
  `,
  // Outbound webhooks (server/webhooks): subscriptions with their server-made secret, one row per
  // delivery of an incident change to a subscription, and how far the event log was matched.
  // The cursor starts at the log's end: nobody subscribed to what came before.
  `
  CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    filter TEXT NOT NULL,
    active INTEGER NOT NULL,
    from_seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    incident_id TEXT NOT NULL,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_status INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    last_attempt_at TEXT,
    delivered_at TEXT,
    UNIQUE (subscription_id, seq)
  );
  CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(next_attempt_at)
    WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_chain ON webhook_deliveries(subscription_id, incident_id, seq)
    WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_log ON webhook_deliveries(subscription_id, status, seq);
  CREATE INDEX webhook_deliveries_done ON webhook_deliveries(status, created_at)
    WHERE status <> 'pending';
  CREATE TABLE webhook_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
  INSERT INTO webhook_cursor (id, seq) SELECT 1, coalesce(max(seq), 0) FROM events;
  `,
  // Early warnings (预警, server/warnings): the current form of each, as incidents are kept; the
  // event log holds every change. One active warning per rule and subject (its key).
  `
  CREATE TABLE warnings (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    rule TEXT NOT NULL,
    level TEXT NOT NULL,
    state TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX warnings_state ON warnings(state, raised_at);
  CREATE UNIQUE INDEX warnings_active_key ON warnings(key) WHERE state <> 'resolved';
  `,
  // Statistics (server/stats): per local day, sums of every incident's contribution by area at
  // every level (with its parent, for breakdowns), the mix of sources and categories down to
  // communities, and each department's record. Each incident keeps its own contribution
  // (stat), so a change takes the old off and puts the new on. Filled for incidents already
  // stored when the store opens (backfill).
  `
  ALTER TABLE incidents ADD COLUMN stat TEXT;
  CREATE TABLE stat_area_day (
    area TEXT NOT NULL,
    day TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT NOT NULL,
    intake INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
    closed_on_time INTEGER NOT NULL DEFAULT 0, overdue INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0, open INTEGER NOT NULL DEFAULT 0,
    close_ms INTEGER NOT NULL DEFAULT 0, rated INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0, rating_sum INTEGER NOT NULL DEFAULT 0,
    disputes INTEGER NOT NULL DEFAULT 0, disputes_resolved INTEGER NOT NULL DEFAULT 0,
    repeats INTEGER NOT NULL DEFAULT 0, self_handled INTEGER NOT NULL DEFAULT 0,
    immediate INTEGER NOT NULL DEFAULT 0, h0 INTEGER NOT NULL DEFAULT 0,
    h1 INTEGER NOT NULL DEFAULT 0, h2 INTEGER NOT NULL DEFAULT 0,
    h3 INTEGER NOT NULL DEFAULT 0, h4 INTEGER NOT NULL DEFAULT 0,
    h5 INTEGER NOT NULL DEFAULT 0, h6 INTEGER NOT NULL DEFAULT 0,
    h7 INTEGER NOT NULL DEFAULT 0, h8 INTEGER NOT NULL DEFAULT 0,
    h9 INTEGER NOT NULL DEFAULT 0, h10 INTEGER NOT NULL DEFAULT 0,
    h11 INTEGER NOT NULL DEFAULT 0, h12 INTEGER NOT NULL DEFAULT 0,
    h13 INTEGER NOT NULL DEFAULT 0, h14 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area, day)
  ) WITHOUT ROWID;
  CREATE INDEX stat_area_day_parent ON stat_area_day(parent, day);
  CREATE INDEX stat_area_day_level ON stat_area_day(level, day);
  CREATE TABLE stat_mix_day (
    area TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (area, day, kind, key)
  ) WITHOUT ROWID;
  CREATE TABLE stat_department_day (
    department TEXT NOT NULL,
    day TEXT NOT NULL,
    assigned INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
    responded_on_time INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,
    finished_on_time INTEGER NOT NULL DEFAULT 0, returned INTEGER NOT NULL DEFAULT 0,
    rated INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department, day)
  ) WITHOUT ROWID;
  CREATE INDEX stat_department_day_day ON stat_department_day(day);
  `,
  // Video patrols (server/video-patrols): tour plans (视频巡查方案), each a JSON document with its
  // version, and the patrol log (巡查记录), one row per run with its centre day for the per-day
  // list; notes are part of the run's document.
  `
  CREATE TABLE tour_plans (
    id TEXT PRIMARY KEY,
    region_id TEXT,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE TABLE video_patrols (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    started_at TEXT NOT NULL,
    region_id TEXT,
    doc TEXT NOT NULL
  );
  CREATE INDEX video_patrols_day ON video_patrols(day, started_at);
  `,
];
