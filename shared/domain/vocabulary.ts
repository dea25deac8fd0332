// The incident vocabulary as plain lists, without zod: what browser code iterates (filters,
// charts) imports these from here, so the schemas stay out of its bundle.

/** The taxonomy of DOMAIN.md; dispute is the largest category. */
export const CATEGORIES = [
  'dispute',
  'public-order',
  'safety-hazard',
  'city-management',
  'citizen-request',
  'video-alarm',
  'emergency',
] as const;

/** Four levels, least to most severe (一般, 较大, 重大, 特别重大). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const SOURCES = [
  'grid-worker',
  'hotline',
  'video-analytics',
  'patrol',
  'online-petition',
  // Registered at the centre's reception (登记): walk-ins, calls and letters.
  'visit',
  'call',
  'letter',
  // Seen by an operator watching cameras (视频巡查) and reported from the tile, with its picture.
  'video-patrol',
] as const;

/** The reception's channels (来访 来电 来信): the sources a desk registers by hand. */
export const RECEPTION_CHANNELS = ['visit', 'call', 'letter'] as const;

/** 上报 受理 派遣 处置 核查 结案 回访, plus 不予受理. */
export const INCIDENT_STATES = [
  'reported',
  'accepted',
  'dispatched',
  'handling',
  'verifying',
  'closed',
  'evaluated',
  'rejected',
] as const;
