import type { Actor, IntakeOutcome, ReportInputParsed, Source } from '../../shared/index.js';
import type { IntakeExtras } from '../ingest/service.js';
import type { GeneratedReport } from './arrivals.js';
import type { PhoneAnswer } from './grid-workers.js';
import { chance, intBetween, pick, type Random } from './random.js';

/** Registers a matter at the reception (登记), as the registration route does. */
export type ReceptionIntake = (
  input: ReportInputParsed,
  extras: IntakeExtras,
) => Promise<IntakeOutcome>;

/** The share of enquiries (咨询) by telephone the reception answers on the call (即办). */
const ANSWERED_SHARE = 0.3;
/** The enquiries it can answer: citizens' requests by phone. */
const ANSWERABLE_SOURCES: readonly Source[] = ['hotline'];

const ANSWERS = [
  '已电话告知办理流程及所需材料',
  '已解答相关政策，来电人表示清楚',
  '已告知办理地点、时间和联系电话',
  '已告知相关部门咨询电话，来电人满意',
] as const;

const RECEPTION: Actor = { id: 'sim-reception', name: '接待窗口（模拟）', role: 'duty' };

/**
 * The centre's reception (接待窗口) in the demo: some citizens' enquiries come in as calls to it
 * rather than to the hotline, and are answered there and then (即办), opened and closed in one
 * step as a desk's registration with an answer is.
 */
export class SimReception {
  constructor(
    private readonly intake: ReceptionIntake,
    private readonly rng: Random,
  ) {}

  /** Whether this report is an enquiry the reception answers on the call. */
  answers(generated: GeneratedReport): boolean {
    const { input } = generated;
    return (
      input.category === 'citizen-request' &&
      ANSWERABLE_SOURCES.includes(input.source) &&
      chance(this.rng, ANSWERED_SHARE)
    );
  }

  async answer(generated: GeneratedReport): Promise<PhoneAnswer> {
    const { input } = generated;
    const caller = input.reporter ?? '来电人';
    try {
      const outcome = await this.intake(
        {
          ...input,
          source: 'call',
          description: input.description ?? '',
          reporter: caller,
        } as ReportInputParsed,
        {
          actor: RECEPTION,
          contact: { name: caller, phone: `1${intBetween(this.rng, 3, 9)}${digits(this.rng, 9)}` },
          settle: { resolution: 'immediate', comment: pick(this.rng, ANSWERS) },
        },
      );
      return { ok: true, result: outcome.result, incidentId: outcome.incidentId };
    } catch (err) {
      const status = (err as { status?: number }).status ?? 0;
      return { ok: false, status, error: (err as Error).message ?? String(err) };
    }
  }
}

function digits(rng: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(intBetween(rng, 0, 9));
  return out;
}
