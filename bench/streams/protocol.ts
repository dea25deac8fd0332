/** Messages between the benchmark and its origin and forwarder processes. */
export type FromChild =
  { type: 'ready'; port: number } | { type: 'counts'; counts: [string, number][] };

export type ToOrigin = { type: 'counts'; reset: boolean } | { type: 'stop' };

/** What the forwarder process is started with, as its first argument (JSON). */
export interface ForwarderArgs {
  originUrl: string;
  cameraIds: string[];
  username: string;
  password: string;
  deviceToken: string;
}

export const ORIGIN_USER = 'bench-nvr';
export const ORIGIN_PASSWORD = 'bench-nvr-password';
