import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.js';

/** Across addresses a username takes this many times its per-address failures. */
const DISTRIBUTED_FACTOR = 5;
const DAY_S = 86_400;

/**
 * Login throttling. Every attempt counts as a failure from the moment it arrives, before its
 * password is checked, and a right password gives its point back: so a burst of guesses sent
 * in parallel is counted like one sent in a row. Three counts, each over the window:
 * - per username and client address (`accountFailures`): the lock a guesser meets first; it
 *   does not lock the user out from their own desk;
 * - per username from anywhere (five times that): guessing spread over many addresses;
 * - per client address (`addressFailures`): one machine trying many usernames.
 * Unknown usernames are counted like known ones, so a lock says nothing about whether an
 * account exists. Past a limit the wait lasts the window; each lock that follows a lock doubles
 * it, up to a day (backoff).
 */
export class LoginThrottle {
  private readonly pairs: RateLimiterMemory;
  private readonly accounts: RateLimiterMemory;
  private readonly addresses: RateLimiterMemory;
  /** How many locks in a row a key has earned, for the backoff; forgotten after a quiet day. */
  private readonly strikes: RateLimiterMemory;

  constructor(limits: Config['login']) {
    const duration = Math.round(limits.windowMinutes * 60);
    const limiter = (keyPrefix: string, points: number) =>
      new RateLimiterMemory({ keyPrefix, points, duration });
    this.pairs = limiter('pair', limits.accountFailures);
    this.accounts = limiter('account', limits.accountFailures * DISTRIBUTED_FACTOR);
    this.addresses = limiter('address', limits.addressFailures);
    this.strikes = new RateLimiterMemory({ keyPrefix: 'strikes', points: 64, duration: DAY_S });
  }

  /**
   * Counts an attempt. `wait` is the seconds to wait before another is taken (0: go on and
   * check the password); `locked` says this attempt set the lock, so it is told once.
   */
  async begin(username: string, address: string): Promise<{ wait: number; locked: boolean }> {
    const keys = this.keys(username, address);
    const held = await Promise.all(keys.map(([limiter, key]) => limiter.get(key)));
    const wait = Math.max(...held.map((res, i) => blockedFor(res, keys[i]![0].points)));
    if (wait) return { wait, locked: false };
    const locks = await Promise.all(keys.map(([limiter, key]) => this.take(limiter, key)));
    const lock = Math.max(...locks);
    return { wait: lock, locked: lock > 0 };
  }

  /** A right password gives its attempt back, and clears the username's failures. */
  async succeeded(username: string, address: string): Promise<void> {
    const [pair, account, from] = this.keys(username, address);
    await Promise.all([
      pair[0].delete(pair[1]),
      account[0].delete(account[1]),
      from[0].reward(from[1], 1),
    ]);
  }

  private keys(
    username: string,
    address: string,
  ): [[RateLimiterMemory, string], [RateLimiterMemory, string], [RateLimiterMemory, string]] {
    return [
      [this.pairs, `${username}\n${address}`],
      [this.accounts, username],
      [this.addresses, address],
    ];
  }

  /** Takes a point; returns the lock's seconds if this one crossed the limit, else 0. */
  private async take(limiter: RateLimiterMemory, key: string): Promise<number> {
    try {
      await limiter.consume(key);
      return 0;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // Only the point that crossed the limit sets the lock; those after it meet it.
      if (err.consumedPoints !== limiter.points + 1) return seconds(err.msBeforeNext);
      let strikes = 1;
      try {
        strikes = (await this.strikes.consume(`${limiter.keyPrefix}:${key}`)).consumedPoints;
      } catch (e) {
        if (e instanceof RateLimiterRes) strikes = e.consumedPoints;
      }
      const lockS = Math.min(limiter.duration * 2 ** (strikes - 1), DAY_S);
      await limiter.block(key, lockS);
      return lockS;
    }
  }
}

function blockedFor(res: RateLimiterRes | null, points: number): number {
  return res && res.consumedPoints > points ? seconds(res.msBeforeNext) : 0;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
