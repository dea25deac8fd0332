import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.js';

/**
 * Login throttling: failures are counted per username (known or not, so a lock tells nothing
 * about whether an account exists) and per client address. Past the limit, logins from there
 * or for that name wait out the window before a password is even checked, so a guesser also
 * stops costing the server a 128 MiB scrypt per try. A lock that ends and is hit again lasts
 * twice as long each time (backoff), up to a day.
 */
export class LoginThrottle {
  private readonly accounts: RateLimiterMemory;
  private readonly addresses: RateLimiterMemory;
  /** How many locks in a row a key has earned, for the backoff; forgotten after a quiet day. */
  private readonly strikes: RateLimiterMemory;

  constructor(private readonly limits: Config['login']) {
    const duration = Math.round(limits.windowMinutes * 60);
    this.accounts = new RateLimiterMemory({
      keyPrefix: 'account',
      points: limits.accountFailures,
      duration,
    });
    this.addresses = new RateLimiterMemory({
      keyPrefix: 'address',
      points: limits.addressFailures,
      duration,
    });
    this.strikes = new RateLimiterMemory({ keyPrefix: 'strikes', points: 64, duration: DAY_S });
  }

  /** Seconds to wait before this username or address may try again, or 0. */
  async wait(username: string, address: string): Promise<number> {
    const [account, from] = await Promise.all([
      this.accounts.get(username),
      this.addresses.get(address),
    ]);
    return Math.max(
      blockedFor(account, this.limits.accountFailures),
      blockedFor(from, this.limits.addressFailures),
    );
  }

  /** Counts a failure; returns the seconds to wait if it reached a limit, or 0. */
  async failed(username: string, address: string): Promise<number> {
    const [account, from] = await Promise.all([
      this.take(this.accounts, `u:${username}`, username),
      this.take(this.addresses, `a:${address}`, address),
    ]);
    return Math.max(account, from);
  }

  /** A right password clears the username's failures (not the address's: one right guess in many). */
  async succeeded(username: string): Promise<void> {
    await this.accounts.delete(username);
  }

  private async take(limiter: RateLimiterMemory, strikeKey: string, key: string): Promise<number> {
    try {
      await limiter.consume(key);
      return 0;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // The failure that crossed the limit sets the lock; later ones inside it change nothing.
      if (err.consumedPoints !== limiter.points + 1) return seconds(err.msBeforeNext);
      let strikes = 1;
      try {
        strikes = (await this.strikes.consume(strikeKey)).consumedPoints;
      } catch (e) {
        if (e instanceof RateLimiterRes) strikes = e.consumedPoints;
      }
      const lockS = Math.min(limiter.duration * 2 ** (strikes - 1), DAY_S);
      await limiter.block(key, lockS);
      return lockS;
    }
  }
}

const DAY_S = 86_400;

function blockedFor(res: RateLimiterRes | null, points: number): number {
  return res && res.consumedPoints > points ? seconds(res.msBeforeNext) : 0;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
