/**
 * Every code a refusal from the server can carry, REST or socket. The code is the contract: the
 * web app shows its own text per code and locale, so the English message never reaches a
 * Chinese screen. Adding a code here makes the web's locale files fail typecheck until both
 * name it (web/src/i18n/errors.test.ts checks the same at run time).
 */
export const ERROR_CODES = [
  // The default per HTTP status, for a refusal whose thrower names no code (server/http-error.ts).
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_media_type',
  'range_not_satisfiable',
  'too_many_requests',
  'internal',
  'upstream_failed',
  'unavailable',
  'upstream_timeout',

  // The request itself.
  'invalid_fields',
  'body_too_large',
  'body_not_json',
  'route_not_found',

  // Who is asking.
  'unauthenticated',
  'role_forbidden',
  'login_failed',
  'account_disabled',
  'demo_password_refused',
  'login_throttled',
  'session_ended',
  'department_mismatch',
  'not_your_incident',
  'outside_your_area',
  'held_by_higher_centre',
  'metrics_token_required',
  'intake_key_invalid',

  // Incidents and their workflow (shared/workflow/apply.ts, server/workflow/service.ts).
  'incident_not_found',
  'unknown_department',
  'unknown_grid_worker',
  'role_may_not_act',
  'stale_version',
  'action_not_allowed_in_state',
  'comment_required',
  'department_named_twice',
  'due_not_in_future',
  'department_not_assigned',
  'step_already_done',
  'no_deadline_to_extend',
  'extension_not_later',
  'no_extension_requested',
  'unknown_patrol',
  'unknown_attachment',
  'not_held_here',
  'no_level_above',
  'level_has_no_centre',
  'nothing_to_take',
  'department_outside_area',
  'wall_outside_area',

  // Photos (server/attachments).
  'attachment_type',
  'attachment_too_large',
  'attachment_unreadable',
  'attachment_link_invalid',

  // Camera streams.
  'stream_token_missing',
  'stream_token_invalid',
  'stream_token_expired',
  'stream_token_revoked',
  'll_hls_param_out_of_range',
  'rtsp_sessions_full',
  'upstream_content_type',
  'no_playback',
  'nothing_recorded',
  'clip_export_unavailable',
  'clip_export_failed',

  // Outbound webhooks (server/webhooks).
  'webhook_not_found',
  'webhook_delivery_not_found',
  'webhook_url_invalid',

  // Early warning (server/warnings).
  'warning_not_found',
  'warning_resolved',
  'already_acknowledged',

  // Statistics (server/stats).
  'unknown_region',

  // Video patrols (server/video-patrols).
  'tour_plan_not_found',
  'video_patrol_not_found',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field the server refused, by its path in the body or query (`location.lng`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** A refusal: a stable code for the screen, an English message for logs and API users. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  fields?: FieldProblem[];
}

/** What every refusal looks like on the wire. */
export interface ErrorBody {
  error: ErrorInfo;
}

/** The code a refusal gets when its thrower names none: one per status. */
const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'too_many_requests',
  500: 'internal',
  502: 'upstream_failed',
  503: 'unavailable',
  504: 'upstream_timeout',
};

/** The server's default for a status, and the web's reading of an answer that carries no code. */
export function codeForStatus(status: number): ErrorCode {
  return STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}
