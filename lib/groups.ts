/**
 * Client-side mirror of groups limits. MAX_MEMBERS_PER_CALL matches the export of the same
 * name in convex/groups.ts (importing that module would pull server code into the bundle).
 */
export const MAX_MEMBERS_PER_CALL = 500;
