/** A WHERE clause built from optional filters, with named parameters for better-sqlite3. */
export class SqlWhere {
  private readonly clauses: string[] = [];
  readonly params: Record<string, unknown> = {};

  /** `column <op> @name`, when the value is given. */
  compare(name: string, column: string, op: '=' | '>=' | '<' | '<=', value: unknown): this {
    if (value === undefined) return this;
    this.params[name] = value;
    this.clauses.push(`${column} ${op} @${name}`);
    return this;
  }

  /** `column IN (...)`, when the list has anything in it. */
  oneOf(name: string, column: string, values: readonly unknown[] | undefined): this {
    if (!values?.length) return this;
    const keys = values.map((v, i) => {
      this.params[`${name}${i}`] = v;
      return `@${name}${i}`;
    });
    this.clauses.push(`${column} IN (${keys.join(', ')})`);
    return this;
  }

  /** Any other condition, with its parameters. */
  raw(clause: string, params: Record<string, unknown> = {}): this {
    Object.assign(this.params, params);
    this.clauses.push(clause);
    return this;
  }

  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
