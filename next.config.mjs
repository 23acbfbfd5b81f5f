import { securityHeaders } from "./lib/security-headers.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: securityHeaders({
          convexUrl: process.env.NEXT_PUBLIC_CONVEX_URL,
          convexSiteUrl: process.env.CONVEX_SITE_URL,
          siteUrl: process.env.SITE_URL,
          dev: process.env.NODE_ENV === "development",
        }),
      },
    ];
  },
};

export default nextConfig;
