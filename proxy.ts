/**
 * The route guard (Next.js 16 "proxy", formerly middleware). Convex Auth's Next.js handler
 * also serves POST /api/auth here: it proxies signIn/signOut to Convex and keeps the
 * session in httpOnly cookies, refreshing the token as needed.
 */
import {
  convexAuthNextjsMiddleware,
  createRouteMatcher,
  nextjsMiddlewareRedirect,
} from "@convex-dev/auth/nextjs/server";
import { HOME_PATH, safeNextPath, signInPathFor, SIGN_IN_PATH } from "./lib/routes";

const isSignInPage = createRouteMatcher([SIGN_IN_PATH]);

/** Matches the backend's session length (convex/auth.ts), so cookies outlive a browser restart. */
const SESSION_SECONDS = 7 * 24 * 60 * 60;

export default convexAuthNextjsMiddleware(
  async (request, { convexAuth }) => {
    const signedIn = await convexAuth.isAuthenticated();
    if (isSignInPage(request)) {
      if (signedIn) {
        const next = request.nextUrl.searchParams.get("next");
        return nextjsMiddlewareRedirect(request, next ? safeNextPath(next) : HOME_PATH);
      }
      return;
    }
    if (!signedIn) {
      return nextjsMiddlewareRedirect(request, signInPathFor(`${request.nextUrl.pathname}${request.nextUrl.search}`));
    }
  },
  { cookieConfig: { maxAge: SESSION_SECONDS }, shouldHandleCode: false },
);

export const config = {
  // Every page and /api/auth; not Next's assets or files with an extension (favicon, images).
  matcher: ["/((?!_next/|.*\\..*).*)", "/api/auth"],
};
