import type { ReportInput } from '../../shared/index.js';

export type IntakeAnswer =
  | { ok: true; result: 'created' | 'attached' | 'duplicate'; incidentId: string }
  | { ok: false; status: number; error: string };

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
    const res = await fetch(`${baseUrl}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestKey}` },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: {
      result?: string;
      incidentId?: string;
      error?: { code?: string; message?: string };
    } = {};
    try {
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch {
      body = { error: { message: text.slice(0, 200) } };
    }
    if (
      res.ok &&
      (body.result === 'created' || body.result === 'attached' || body.result === 'duplicate') &&
      typeof body.incidentId === 'string'
    ) {
      return { ok: true, result: body.result, incidentId: body.incidentId };
    }
    // The simulator only logs refusals, so the English message with its code is what it wants.
    const { code, message } = body.error ?? {};
    const error = message ? (code ? `${code}: ${message}` : message) : `HTTP ${res.status}`;
    return { ok: false, status: res.status, error };
  } catch (err) {
    return { ok: false, status: 0, error: (err as Error).message };
  }
}
