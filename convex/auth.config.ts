// Convex validates the JWTs Convex Auth issues against this deployment's own site URL.
const authConfig = {
  providers: [
    {
      // eslint-disable-next-line @convex-dev/no-process-env -- read by Convex before any module runs
      domain: process.env.CONVEX_SITE_URL,
      applicationID: "convex",
    },
  ],
};

export default authConfig;
