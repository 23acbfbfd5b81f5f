import type { Metadata } from "next";
import { AccountSection } from "@/components/settings/account-section";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <div className="max-w-3xl">
      <PageHeader title="Settings" />
      <div className="space-y-6">
        {/* Sender identities and API keys arrive with their own issues, as sections below. */}
        <AccountSection />
      </div>
    </div>
  );
}
