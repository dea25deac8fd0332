import type { PatrolPosition, PatrolPositions, ReportInput } from '../../shared/index.js';

export type IntakeAnswer =
  | { ok: true; result: 'created' | 'attached' | 'duplicate'; incidentId: string }
  | { ok: false; status: number; error: string };

export type PatrolFeedAnswer =
  { ok: true; accepted: number; unknown: string[] } | { ok: false; status: number; error: string };

/** The patrol feed takes at most this many positions in one request. */
const POSITIONS_PER_POST = 1_000;

/**
 * Posts one report to the public intake API, exactly as an integration would: the same URL,
 * the same bearer ingest key, the same body. Never throws.
 */
export async function postReport(
  baseUrl: string,
  ingestKey: string,
  report: ReportInput,
  timeoutMs = 10_000,
): Promise<IntakeAnswer> {
  try {
    const { res, body } = await post<{ result?: string; incidentId?: string }>(
      `${baseUrl}/api/v1/reports`,
      ingestKey,
      report,
      timeoutMs,
    );
    if (
      res.ok &&
      (body.result === 'created' || body.result === 'attached' || body.result === 'duplicate') &&
      typeof body.incidentId === 'string'
    ) {
      return { ok: true, result: body.result, incidentId: body.incidentId };
    }
    return { ok: false, status: res.status, error: refusal(res, body) };
  } catch (err) {
    return { ok: false, status: 0, error: (err as Error).message };
  }
}

/**
 * Posts patrol positions to the patrol feed (POST /api/v1/patrols/positions) with the ingest
 * key, as a patrol-tracking system would. Never throws.
 */
export async function postPatrolPositions(
  baseUrl: string,
  ingestKey: string,
  positions: readonly PatrolPosition[],
  timeoutMs = 10_000,
): Promise<PatrolFeedAnswer> {
  let accepted = 0;
  const unknown: string[] = [];
  for (let i = 0; i < positions.length; i += POSITIONS_PER_POST) {
    const batch: PatrolPositions = {
      positions: positions.slice(i, i + POSITIONS_PER_POST).map((p) => ({
        id: p.id,
        position: p.position,
        heading: p.heading,
        status: p.status,
      })),
    };
    try {
      const { res, body } = await post<{ accepted?: number; unknown?: string[] }>(
        `${baseUrl}/api/v1/patrols/positions`,
        ingestKey,
        batch,
        timeoutMs,
      );
      if (!res.ok || typeof body.accepted !== 'number')
        return { ok: false, status: res.status, error: refusal(res, body) };
      accepted += body.accepted;
      unknown.push(...(body.unknown ?? []));
    } catch (err) {
      return { ok: false, status: 0, error: (err as Error).message };
    }
  }
  return { ok: true, accepted, unknown };
}

type Answer<T> = T & { error?: { code?: string; message?: string } };

async function post<T>(
  url: string,
  ingestKey: string,
  payload: unknown,
  timeoutMs: number,
): Promise<{ res: Response; body: Answer<T> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestKey}` },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: Answer<T>;
  try {
    body = (text ? JSON.parse(text) : {}) as Answer<T>;
  } catch {
    body = { error: { message: text.slice(0, 200) } } as Answer<T>;
  }
  return { res, body };
}

/** The simulator only logs refusals, so the English message with its code is what it wants. */
function refusal(res: Response, body: { error?: { code?: string; message?: string } }): string {
  const { code, message } = body.error ?? {};
  return message ? (code ? `${code}: ${message}` : message) : `HTTP ${res.status}`;
}
