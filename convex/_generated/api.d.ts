/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as aggregates from "../aggregates.js";
import type * as analytics from "../analytics.js";
import type * as api_analytics from "../api/analytics.js";
import type * as api_auth from "../api/auth.js";
import type * as api_broadcasts from "../api/broadcasts.js";
import type * as api_contacts from "../api/contacts.js";
import type * as api_customFields from "../api/customFields.js";
import type * as api_errors from "../api/errors.js";
import type * as api_exports from "../api/exports.js";
import type * as api_groups from "../api/groups.js";
import type * as api_idempotency from "../api/idempotency.js";
import type * as api_imports from "../api/imports.js";
import type * as api_messages from "../api/messages.js";
import type * as api_openapi from "../api/openapi.js";
import type * as api_pipeline from "../api/pipeline.js";
import type * as api_resources from "../api/resources.js";
import type * as api_route from "../api/route.js";
import type * as api_routes from "../api/routes.js";
import type * as api_schemas from "../api/schemas.js";
import type * as api_segments from "../api/segments.js";
import type * as api_templateRefs from "../api/templateRefs.js";
import type * as api_templates from "../api/templates.js";
import type * as apiKeys from "../apiKeys.js";
import type * as auditLog from "../auditLog.js";
import type * as auth from "../auth.js";
import type * as benchSeed from "../benchSeed.js";
import type * as broadcasts from "../broadcasts.js";
import type * as channels_contentTemplates from "../channels/contentTemplates.js";
import type * as channels_errors from "../channels/errors.js";
import type * as channels_factory from "../channels/factory.js";
import type * as channels_resend from "../channels/resend.js";
import type * as channels_simulator from "../channels/simulator.js";
import type * as channels_twilio from "../channels/twilio.js";
import type * as channels_twilioAccount from "../channels/twilioAccount.js";
import type * as channels_twilioContent from "../channels/twilioContent.js";
import type * as channels_types from "../channels/types.js";
import type * as contacts from "../contacts.js";
import type * as conversations from "../conversations.js";
import type * as crons from "../crons.js";
import type * as customFields from "../customFields.js";
import type * as demo from "../demo.js";
import type * as dispatch_claims from "../dispatch/claims.js";
import type * as dispatch_lanes from "../dispatch/lanes.js";
import type * as dispatch_pump from "../dispatch/pump.js";
import type * as dispatch_sweep from "../dispatch/sweep.js";
import type * as emailBodies from "../emailBodies.js";
import type * as emailFetch from "../emailFetch.js";
import type * as exportJobs from "../exportJobs.js";
import type * as exports from "../exports.js";
import type * as functions from "../functions.js";
import type * as groups from "../groups.js";
import type * as http from "../http.js";
import type * as httpFallbacks from "../httpFallbacks.js";
import type * as importJobs from "../importJobs.js";
import type * as imports from "../imports.js";
import type * as inbox from "../inbox.js";
import type * as lib_analytics from "../lib/analytics.js";
import type * as lib_apiKeys from "../lib/apiKeys.js";
import type * as lib_audience from "../lib/audience.js";
import type * as lib_audit from "../lib/audit.js";
import type * as lib_backoff from "../lib/backoff.js";
import type * as lib_broadcastPlan from "../lib/broadcastPlan.js";
import type * as lib_broadcasts from "../lib/broadcasts.js";
import type * as lib_claim from "../lib/claim.js";
import type * as lib_claimPolicy from "../lib/claimPolicy.js";
import type * as lib_contacts from "../lib/contacts.js";
import type * as lib_cursors from "../lib/cursors.js";
import type * as lib_customFields from "../lib/customFields.js";
import type * as lib_email from "../lib/email.js";
import type * as lib_emailBodies from "../lib/emailBodies.js";
import type * as lib_env from "../lib/env.js";
import type * as lib_errors from "../lib/errors.js";
import type * as lib_exports from "../lib/exports.js";
import type * as lib_groups from "../lib/groups.js";
import type * as lib_httpBody from "../lib/httpBody.js";
import type * as lib_importCsv from "../lib/importCsv.js";
import type * as lib_importRows from "../lib/importRows.js";
import type * as lib_importRun from "../lib/importRun.js";
import type * as lib_imports from "../lib/imports.js";
import type * as lib_inbound from "../lib/inbound.js";
import type * as lib_lanes from "../lib/lanes.js";
import type * as lib_messageLists from "../lib/messageLists.js";
import type * as lib_messages from "../lib/messages.js";
import type * as lib_metering from "../lib/metering.js";
import type * as lib_notifications from "../lib/notifications.js";
import type * as lib_optOut from "../lib/optOut.js";
import type * as lib_outbound from "../lib/outbound.js";
import type * as lib_pacing from "../lib/pacing.js";
import type * as lib_personalize from "../lib/personalize.js";
import type * as lib_pumpLoop from "../lib/pumpLoop.js";
import type * as lib_pushDevices from "../lib/pushDevices.js";
import type * as lib_pushPayload from "../lib/pushPayload.js";
import type * as lib_receipts from "../lib/receipts.js";
import type * as lib_recurrences from "../lib/recurrences.js";
import type * as lib_rollup from "../lib/rollup.js";
import type * as lib_schedulingSettings from "../lib/schedulingSettings.js";
import type * as lib_search from "../lib/search.js";
import type * as lib_segments from "../lib/segments.js";
import type * as lib_send from "../lib/send.js";
import type * as lib_sendPolicy from "../lib/sendPolicy.js";
import type * as lib_senders from "../lib/senders.js";
import type * as lib_stats from "../lib/stats.js";
import type * as lib_tags from "../lib/tags.js";
import type * as lib_templates from "../lib/templates.js";
import type * as lib_twilioSignature from "../lib/twilioSignature.js";
import type * as lib_webhookSecrets from "../lib/webhookSecrets.js";
import type * as lib_workers from "../lib/workers.js";
import type * as messages from "../messages.js";
import type * as notes from "../notes.js";
import type * as notifications from "../notifications.js";
import type * as pushActions from "../pushActions.js";
import type * as pushDelivery from "../pushDelivery.js";
import type * as receipts from "../receipts.js";
import type * as recurrences from "../recurrences.js";
import type * as scheduling from "../scheduling.js";
import type * as segments from "../segments.js";
import type * as senders from "../senders.js";
import type * as tags from "../tags.js";
import type * as templates from "../templates.js";
import type * as twilioSenders from "../twilioSenders.js";
import type * as users from "../users.js";
import type * as webhooks_http from "../webhooks/http.js";
import type * as webhooks_log from "../webhooks/log.js";
import type * as webhooks_resend from "../webhooks/resend.js";
import type * as webhooks_routes from "../webhooks/routes.js";
import type * as webhooks_signing from "../webhooks/signing.js";
import type * as webhooks_simulate from "../webhooks/simulate.js";
import type * as webhooks_twilio from "../webhooks/twilio.js";
import type * as webhooks_twiml from "../webhooks/twiml.js";
import type * as whatsappTemplateSync from "../whatsappTemplateSync.js";
import type * as whatsappTemplates from "../whatsappTemplates.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  aggregates: typeof aggregates;
  analytics: typeof analytics;
  "api/analytics": typeof api_analytics;
  "api/auth": typeof api_auth;
  "api/broadcasts": typeof api_broadcasts;
  "api/contacts": typeof api_contacts;
  "api/customFields": typeof api_customFields;
  "api/errors": typeof api_errors;
  "api/exports": typeof api_exports;
  "api/groups": typeof api_groups;
  "api/idempotency": typeof api_idempotency;
  "api/imports": typeof api_imports;
  "api/messages": typeof api_messages;
  "api/openapi": typeof api_openapi;
  "api/pipeline": typeof api_pipeline;
  "api/resources": typeof api_resources;
  "api/route": typeof api_route;
  "api/routes": typeof api_routes;
  "api/schemas": typeof api_schemas;
  "api/segments": typeof api_segments;
  "api/templateRefs": typeof api_templateRefs;
  "api/templates": typeof api_templates;
  apiKeys: typeof apiKeys;
  auditLog: typeof auditLog;
  auth: typeof auth;
  benchSeed: typeof benchSeed;
  broadcasts: typeof broadcasts;
  "channels/contentTemplates": typeof channels_contentTemplates;
  "channels/errors": typeof channels_errors;
  "channels/factory": typeof channels_factory;
  "channels/resend": typeof channels_resend;
  "channels/simulator": typeof channels_simulator;
  "channels/twilio": typeof channels_twilio;
  "channels/twilioAccount": typeof channels_twilioAccount;
  "channels/twilioContent": typeof channels_twilioContent;
  "channels/types": typeof channels_types;
  contacts: typeof contacts;
  conversations: typeof conversations;
  crons: typeof crons;
  customFields: typeof customFields;
  demo: typeof demo;
  "dispatch/claims": typeof dispatch_claims;
  "dispatch/lanes": typeof dispatch_lanes;
  "dispatch/pump": typeof dispatch_pump;
  "dispatch/sweep": typeof dispatch_sweep;
  emailBodies: typeof emailBodies;
  emailFetch: typeof emailFetch;
  exportJobs: typeof exportJobs;
  exports: typeof exports;
  functions: typeof functions;
  groups: typeof groups;
  http: typeof http;
  httpFallbacks: typeof httpFallbacks;
  importJobs: typeof importJobs;
  imports: typeof imports;
  inbox: typeof inbox;
  "lib/analytics": typeof lib_analytics;
  "lib/apiKeys": typeof lib_apiKeys;
  "lib/audience": typeof lib_audience;
  "lib/audit": typeof lib_audit;
  "lib/backoff": typeof lib_backoff;
  "lib/broadcastPlan": typeof lib_broadcastPlan;
  "lib/broadcasts": typeof lib_broadcasts;
  "lib/claim": typeof lib_claim;
  "lib/claimPolicy": typeof lib_claimPolicy;
  "lib/contacts": typeof lib_contacts;
  "lib/cursors": typeof lib_cursors;
  "lib/customFields": typeof lib_customFields;
  "lib/email": typeof lib_email;
  "lib/emailBodies": typeof lib_emailBodies;
  "lib/env": typeof lib_env;
  "lib/errors": typeof lib_errors;
  "lib/exports": typeof lib_exports;
  "lib/groups": typeof lib_groups;
  "lib/httpBody": typeof lib_httpBody;
  "lib/importCsv": typeof lib_importCsv;
  "lib/importRows": typeof lib_importRows;
  "lib/importRun": typeof lib_importRun;
  "lib/imports": typeof lib_imports;
  "lib/inbound": typeof lib_inbound;
  "lib/lanes": typeof lib_lanes;
  "lib/messageLists": typeof lib_messageLists;
  "lib/messages": typeof lib_messages;
  "lib/metering": typeof lib_metering;
  "lib/notifications": typeof lib_notifications;
  "lib/optOut": typeof lib_optOut;
  "lib/outbound": typeof lib_outbound;
  "lib/pacing": typeof lib_pacing;
  "lib/personalize": typeof lib_personalize;
  "lib/pumpLoop": typeof lib_pumpLoop;
  "lib/pushDevices": typeof lib_pushDevices;
  "lib/pushPayload": typeof lib_pushPayload;
  "lib/receipts": typeof lib_receipts;
  "lib/recurrences": typeof lib_recurrences;
  "lib/rollup": typeof lib_rollup;
  "lib/schedulingSettings": typeof lib_schedulingSettings;
  "lib/search": typeof lib_search;
  "lib/segments": typeof lib_segments;
  "lib/send": typeof lib_send;
  "lib/sendPolicy": typeof lib_sendPolicy;
  "lib/senders": typeof lib_senders;
  "lib/stats": typeof lib_stats;
  "lib/tags": typeof lib_tags;
  "lib/templates": typeof lib_templates;
  "lib/twilioSignature": typeof lib_twilioSignature;
  "lib/webhookSecrets": typeof lib_webhookSecrets;
  "lib/workers": typeof lib_workers;
  messages: typeof messages;
  notes: typeof notes;
  notifications: typeof notifications;
  pushActions: typeof pushActions;
  pushDelivery: typeof pushDelivery;
  receipts: typeof receipts;
  recurrences: typeof recurrences;
  scheduling: typeof scheduling;
  segments: typeof segments;
  senders: typeof senders;
  tags: typeof tags;
  templates: typeof templates;
  twilioSenders: typeof twilioSenders;
  users: typeof users;
  "webhooks/http": typeof webhooks_http;
  "webhooks/log": typeof webhooks_log;
  "webhooks/resend": typeof webhooks_resend;
  "webhooks/routes": typeof webhooks_routes;
  "webhooks/signing": typeof webhooks_signing;
  "webhooks/simulate": typeof webhooks_simulate;
  "webhooks/twilio": typeof webhooks_twilio;
  "webhooks/twiml": typeof webhooks_twiml;
  whatsappTemplateSync: typeof whatsappTemplateSync;
  whatsappTemplates: typeof whatsappTemplates;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
