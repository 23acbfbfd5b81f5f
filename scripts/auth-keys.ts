/** RS256 key pair for Convex Auth, in the shape its env vars expect (as `npx @convex-dev/auth` makes them). */
import { exportJWK, exportPKCS8, generateKeyPair } from "jose";

export async function generateAuthKeys(): Promise<{ JWT_PRIVATE_KEY: string; JWKS: string }> {
  const keys = await generateKeyPair("RS256", { extractable: true });
  const privateKey = await exportPKCS8(keys.privateKey);
  const publicKey = await exportJWK(keys.publicKey);
  return {
    JWT_PRIVATE_KEY: privateKey.trimEnd().replace(/\n/g, " "),
    JWKS: JSON.stringify({ keys: [{ use: "sig", ...publicKey }] }),
  };
}

// `npx tsx scripts/auth-keys.ts`: a fresh pair for a deployment, as `npx convex env set` commands.
if (import.meta.url === `file://${process.argv[1]}`) {
  void generateAuthKeys().then((keys) => {
    for (const [name, value] of Object.entries(keys)) console.log(`npx convex env set ${name} -- '${value}'`);
  });
}
