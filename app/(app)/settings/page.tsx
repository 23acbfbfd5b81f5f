import type { Metadata } from "next";
import { AccountSection } from "@/components/settings/account-section-lazy";
import { AutomationSection } from "@/components/settings/automation-section-lazy";
import { CustomFieldsSection } from "@/components/settings/custom-fields-section-lazy";
import { ApiKeysSection } from "@/components/settings/api-keys-section-lazy";
import { NotificationsSection } from "@/components/settings/notifications-section-lazy";
import { AppearanceSection } from "@/components/settings/appearance-section";
import { SendersSection } from "@/components/settings/senders-section";
import { SettingsNav } from "@/components/settings/settings-nav";
import { SimulatorSection } from "@/components/settings/simulator-section-lazy";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <div className="max-w-4xl">
      <PageHeader title="Settings" description="Who your messages come from, notifications, access for your own systems, how the app looks, and your account." />
      <SettingsNav />
      <div className="space-y-6">
        <div id="senders" className="scroll-mt-6 space-y-6">
          <SendersSection />
        </div>
        <div id="automation" className="scroll-mt-6">
          <AutomationSection />
        </div>
        <div id="notifications" className="scroll-mt-6">
          <NotificationsSection />
        </div>
        <div id="custom-fields" className="scroll-mt-6">
          <CustomFieldsSection />
        </div>
        <div id="api-keys" className="scroll-mt-6">
          <ApiKeysSection />
        </div>
        <SimulatorSection />
        <div id="appearance" className="scroll-mt-6">
          <AppearanceSection />
        </div>
        <div id="account" className="scroll-mt-6">
          <AccountSection />
        </div>
      </div>
    </div>
  );
}
