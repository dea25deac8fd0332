/** The server's notion of now; tests and the demo's time scale replace it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
