import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";

/** The three URLs to paste into Twilio and Resend, with where each one goes. */
export function WebhookUrls({ webhooks }: { webhooks: { twilioInbound: string; twilioStatus: string; resend: string } }) {
  const rows: Array<{ name: string; url: string; where: ReactNode }> = [
    {
      name: "Twilio inbound",
      url: webhooks.twilioInbound,
      where: (
        <>
          In the Twilio console, on each number (and WhatsApp sender): <strong>A message comes in</strong> → Webhook, HTTP POST.
        </>
      ),
    },
    {
      name: "Twilio status callback",
      url: webhooks.twilioStatus,
      where: "Nothing to paste: every message the app sends asks Twilio to report its delivery here.",
    },
    {
      name: "Resend",
      url: webhooks.resend,
      where: (
        <>
          In Resend → Webhooks, add an endpoint with this URL (email events and received emails); put its signing secret
          (<code className="text-xs">whsec_…</code>) in <code className="text-xs">RESEND_WEBHOOK_SECRET</code> on the deployment.
        </>
      ),
    },
  ];
  return (
    <Card title="Webhook URLs" description="Where Twilio and Resend tell the app about replies and delivery. Requests are checked against their signatures.">
      <ul className="divide-y divide-slate-100">
        {rows.map((row) => (
          <li key={row.name} className="px-5 py-3">
            <p className="text-sm font-medium text-slate-900">{row.name}</p>
            <div className="mt-1 flex items-center gap-2">
              <code className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1.5 text-xs text-slate-800" title={row.url}>
                {row.url}
              </code>
              <CopyButton value={row.url} label={`Copy the ${row.name} URL`} />
            </div>
            <p className="mt-1 text-xs text-slate-600">{row.where}</p>
          </li>
        ))}
      </ul>
    </Card>
  );
}
