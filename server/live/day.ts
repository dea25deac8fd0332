/** The centre's calendar day, in its own time zone (China has one offset and no DST). */
export class CentreDay {
  constructor(private readonly offsetMinutes: number) {}

  /** 'YYYY-MM-DD' of the local day containing `at`. */
  label(at: Date): string {
    return new Date(at.getTime() + this.offsetMinutes * 60_000).toISOString().slice(0, 10);
  }

  /** The instant the local day containing `at` began, as an ISO string. */
  start(at: Date): string {
    const local = at.getTime() + this.offsetMinutes * 60_000;
    const midnight = local - (local % 86_400_000);
    return new Date(midnight - this.offsetMinutes * 60_000).toISOString();
  }

  /** Local hour 0-23 of an ISO instant. */
  hour(iso: string): number {
    return new Date(Date.parse(iso) + this.offsetMinutes * 60_000).getUTCHours();
  }
}
