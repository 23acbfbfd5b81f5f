import { httpRouter } from "convex/server";
import { auth } from "./auth";

const http = httpRouter();

// Convex Auth: OpenID configuration and JWKS for token verification.
auth.addHttpRoutes(http);

export default http;
