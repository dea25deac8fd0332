// What the level rules (shared/workflow/apply.ts) let one desk do with an incident, so the desk
// offers only what the server would accept rather than buttons that end in a refusal.
import type { ActionName, IncidentSummary } from '../domain/incidents.js';
import {
  DEFAULT_LEVEL_RULES,
  depthOf,
  holdingLevel,
  type CentreLevel,
  type LevelRules,
  type SubCentreLevel,
} from '../domain/levels.js';

type Held = Pick<IncidentSummary, 'centreLevel' | 'handover'>;

/** The levels with centres above `holder`, the next one up first (the default escalation). */
export function escalateTargets(
  holder: CentreLevel,
  rules: LevelRules = DEFAULT_LEVEL_RULES,
): CentreLevel[] {
  return rules.centres
    .filter((l) => depthOf(l) < depthOf(holder))
    .sort((a, b) => depthOf(b) - depthOf(a));
}

/** The levels with centres below the desk's that it may assign a matter down to. */
export function assignDownTargets(
  desk: CentreLevel,
  holder: CentreLevel,
  rules: LevelRules = DEFAULT_LEVEL_RULES,
): SubCentreLevel[] {
  return rules.centres.filter(
    (l): l is SubCentreLevel => l !== 'city' && depthOf(l) > depthOf(desk) && l !== holder,
  );
}

/** A handover waiting for this desk's level to take it (接收). */
export function waitsForDesk(incident: Held, desk: CentreLevel): boolean {
  return !!incident.handover && incident.handover.to === desk && holdingLevel(incident) === desk;
}

/** Take: what was handed to this level, or 上收 from a level below. */
export function mayTake(incident: Held, desk: CentreLevel): boolean {
  return waitsForDesk(incident, desk) || depthOf(desk) < depthOf(holdingLevel(incident));
}

/** Whether the level rules leave `action` to this desk; the role and state rules apply besides. */
export function levelAllows(
  action: ActionName,
  incident: Held,
  desk: CentreLevel,
  rules: LevelRules = DEFAULT_LEVEL_RULES,
): boolean {
  const holder = holdingLevel(incident);
  // Handed up: the level above directs it, this one only adds notes.
  if (depthOf(holder) < depthOf(desk)) return action === 'note';
  switch (action) {
    case 'escalate':
      return holder === desk && escalateTargets(holder, rules).length > 0;
    case 'assign-down':
      return assignDownTargets(desk, holder, rules).length > 0;
    case 'take':
      return mayTake(incident, desk);
    default:
      return true;
  }
}

/** Whole minutes to a handover's deadline, and whether it has passed. */
export function handoverTime(
  handover: NonNullable<IncidentSummary['handover']>,
  now: number,
): { minutes: number; late: boolean } {
  const ms = Date.parse(handover.dueAt) - now;
  return { minutes: Math.max(1, Math.ceil(Math.abs(ms) / 60_000)), late: ms <= 0 };
}
