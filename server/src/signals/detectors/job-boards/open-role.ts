/** One open role on a public job board, as every board kind is read into. */
export interface OpenRole {
  id: string;
  title: string;
  department?: string;
  /** The team (Lever, Ashby) or office names: what a keyword may also match. */
  team?: string;
  url?: string;
}

/** A rule's filter: the department (case-insensitive, exact) and keywords (any of them in the title or team). */
export function matchesRoleFilter(role: OpenRole, filter: { department?: string; keywords?: string[] }): boolean {
  if (filter.department && role.department?.toLowerCase() !== filter.department.toLowerCase()) return false;
  if (filter.keywords && filter.keywords.length > 0) {
    const haystack = `${role.title} ${role.team ?? ''}`.toLowerCase();
    return filter.keywords.some((keyword) => haystack.includes(keyword.toLowerCase()));
  }
  return true;
}
