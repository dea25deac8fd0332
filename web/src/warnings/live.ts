import { byUrgency, isActiveWarning, type Warning } from '../../../shared/domain/warnings.js';

/**
 * The active warnings after a batch of changes, most urgent first: a changed warning replaces
 * the one with its id (or joins the list), a resolved one leaves it. A change older than the one
 * held (`updatedAt`) is ignored, so a late answer never undoes a newer delta. The list given is
 * not changed; a new one is answered when anything changed, the same one otherwise.
 */
export function applyWarnings(
  current: readonly Warning[],
  changed: readonly Warning[],
  options: { addNew?: boolean } = {},
): readonly Warning[] {
  if (!changed.length) return current;
  const byId = new Map(current.map((w) => [w.id, w]));
  let touched = false;
  for (const w of changed) {
    const held = byId.get(w.id);
    if (held && held.updatedAt > w.updatedAt) continue;
    if (!isActiveWarning(w)) {
      touched = byId.delete(w.id) || touched;
    } else if (held || options.addNew !== false) {
      byId.set(w.id, w);
      touched = true;
    }
  }
  return touched ? [...byId.values()].sort(byUrgency) : current;
}

/** A snapshot's warnings as the screens keep them: the active ones, most urgent first. */
export function warningsFromSnapshot(warnings: readonly Warning[] | undefined): readonly Warning[] {
  return (warnings ?? []).filter(isActiveWarning).sort(byUrgency);
}
