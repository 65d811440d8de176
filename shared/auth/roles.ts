/** The three roles, lowest first: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** Parses a role name (case-insensitive); throws on anything else so bad config fails at start-up. */
export function parseRole(x: string): Role {
  const r = x.trim().toLowerCase();
  if (!isRole(r)) throw new Error(`unknown role "${x}" (expected one of ${ROLES.join(', ')})`);
  return r;
}

/** True when `have` is `need` or higher. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The highest role among several (e.g. a JWT claim that lists roles); null when none is a role. */
export function highestRole(candidates: unknown[]): Role | null {
  let best: Role | null = null;
  for (const c of candidates) {
    const r = typeof c === 'string' ? c.trim().toLowerCase() : c;
    if (isRole(r) && (best === null || roleAtLeast(r, best))) best = r;
  }
  return best;
}
