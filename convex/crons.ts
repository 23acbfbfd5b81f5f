import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

// Safety net for the dispatch lanes: restart a lane whose pump is gone while messages are due,
// and settle sends whose outcome never came back (see convex/dispatch/sweep.ts).
crons.interval("sweep due and stuck messages", { minutes: 1 }, internal.dispatch.sweep.run, {});

// Handled webhook event ids are kept a week for idempotency, then forgotten.
crons.daily("prune webhook event ids", { hourUTC: 4, minuteUTC: 17 }, internal.webhooks.resend.pruneEvents, {});

// REST API rate-limit buckets that have refilled carry no information: forget them.
crons.interval("prune refilled API rate limits", { hours: 1 }, internal.api.auth.pruneRateLimits, { cursor: null });

// Imports whose job stopped (a restart, a crash) pick up where they were.
crons.interval("resume stalled imports", { minutes: 1 }, internal.importJobs.sweep, {});

// Exports are downloads, kept a day.
crons.interval("delete expired exports", { hours: 1 }, internal.exportJobs.cleanup, {});
// Files attached in the composer but never sent (and in no draft) are deleted after a week.
crons.daily("delete unsent uploads", { hourUTC: 4, minuteUTC: 41 }, internal.attachments.cleanUp, {});

export default crons;
