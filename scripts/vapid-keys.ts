/** The VAPID key pair (RFC 8292) that identifies this app to browsers' push services: P-256, base64url. */
import webpush from "web-push";

export type VapidKeys = { VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string };

export function generateVapidKeys(): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey };
}

/**
 * The VAPID variables to add to an env file: a new pair when it has none, nothing when it has
 * both. Half a pair is a mistake a new key would hide (every device subscribed with the old
 * public key would stop receiving), so it is refused.
 */
export function vapidKeysToAdd(current: Record<string, string | undefined>): Partial<VapidKeys> {
  const hasPublic = Boolean(current.VAPID_PUBLIC_KEY);
  const hasPrivate = Boolean(current.VAPID_PRIVATE_KEY);
  if (hasPublic && hasPrivate) return {};
  if (hasPublic || hasPrivate) {
    throw new Error("Only one of VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY is set in .env.local: set the other, or remove both to get a new pair.");
  }
  return generateVapidKeys();
}
