"use client";

/**
 * Whether the app can reach Convex: "online", "reconnecting" (the socket dropped and the client
 * is retrying) or "offline" (the browser says there is no network). Mutations made meanwhile
 * wait in the client and go out once, when the connection is back (the backend answers a
 * resent mutation from memory rather than applying it twice).
 */
import { useConvexConnectionState } from "convex/react";
import { useEffect, useState, useSyncExternalStore } from "react";

export type Connection = "online" | "reconnecting" | "offline";

/** A dropped socket that comes back within this long is not worth a banner. */
const GRACE_MS = 1500;

function subscribeOnline(onChange: () => void) {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

export function useConnection(): Connection {
  const state = useConvexConnectionState();
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
  const dropped = state.hasEverConnected && !state.isWebSocketConnected;
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!dropped) return;
    const timer = setTimeout(() => setLate(true), GRACE_MS);
    return () => {
      clearTimeout(timer);
      setLate(false);
    };
  }, [dropped]);
  if (!online) return "offline";
  return dropped && late ? "reconnecting" : "online";
}
