import { useI18n } from '../i18n/index.js';
import { distanceParts } from './nearest.js';

/** Straight-line metres as the screen's language says them (460米, 1.2 km). */
export function useDistanceText(): (metres: number) => string {
  const { t } = useI18n();
  return (metres) => {
    const { unit, n } = distanceParts(metres);
    return t(`detail.${unit}`).replace('{n}', n);
  };
}
