/** Where the browser tests run the app: ports apart from `npm run dev`'s. */
export const E2E_APP_PORT = Number(process.env.E2E_APP_PORT ?? 4300);
export const E2E_APP_URL = `http://localhost:${E2E_APP_PORT}`;
export const E2E_CONVEX_PORT = Number(process.env.E2E_CONVEX_PORT ?? 4310);
export const E2E_SITE_PORT = Number(process.env.E2E_SITE_PORT ?? 4311);
/** A fake Twilio API (tests/fakes/providerServer.ts), and the test harness's control endpoint for it. */
export const E2E_FAKE_TWILIO_PORT = Number(process.env.E2E_FAKE_TWILIO_PORT ?? E2E_SITE_PORT + 1);
export const E2E_CONTROL_PORT = Number(process.env.E2E_CONTROL_PORT ?? E2E_SITE_PORT + 2);
