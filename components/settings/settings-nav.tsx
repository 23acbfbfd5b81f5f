"use client";

import { simulatedChannels, useSenders } from "./use-senders";

/** Jump links to the settings sections (Simulator only when a channel uses it). */
export function SettingsNav() {
  const info = useSenders();
  const links = [
    { href: "#senders", label: "Senders" },
    { href: "#automation", label: "Scheduling and automation" },
    { href: "#notifications", label: "Notifications" },
    { href: "#custom-fields", label: "Custom fields" },
    { href: "#api-keys", label: "API keys" },
    ...(info && simulatedChannels(info.configured).length > 0 ? [{ href: "#simulator", label: "Simulator" }] : []),
    { href: "#appearance", label: "Appearance" },
    { href: "#account", label: "Account" },
  ];
  return (
    <nav aria-label="Settings sections" className="-mt-2 mb-6">
      <ul className="flex flex-wrap gap-2">
        {links.map((link) => (
          <li key={link.href}>
            <a href={link.href} className="inline-block rounded-full border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-700 hover:bg-slate-50">
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
