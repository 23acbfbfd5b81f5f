import type { Provider } from "@/convex/schema";
import { Badge } from "@/components/ui/badge";

export const PROVIDER_NAMES: Record<Provider, string> = { twilio: "Twilio", resend: "Resend", simulator: "Simulator" };

/** Which service sends for a sender identity. The simulator stands out: nothing leaves the app. */
export function ProviderBadge({ provider }: { provider: Provider }) {
  return <Badge tone={provider === "simulator" ? "amber" : "indigo"}>{PROVIDER_NAMES[provider]}</Badge>;
}
