import type { ComponentType, SVGProps } from "react";
import {
  AnalyticsIcon,
  ContactsIcon,
  GroupsIcon,
  InboxIcon,
  ScheduledIcon,
  SegmentsIcon,
  SettingsIcon,
  TemplatesIcon,
} from "@/components/ui/icons";

export type NavItem = { href: string; label: string; icon: ComponentType<SVGProps<SVGSVGElement>> };

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/inbox", label: "Inbox", icon: InboxIcon },
  { href: "/contacts", label: "Contacts", icon: ContactsIcon },
  { href: "/groups", label: "Groups", icon: GroupsIcon },
  { href: "/segments", label: "Segments", icon: SegmentsIcon },
  { href: "/scheduled", label: "Scheduled", icon: ScheduledIcon },
  { href: "/templates", label: "Templates", icon: TemplatesIcon },
  { href: "/analytics", label: "Analytics", icon: AnalyticsIcon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
];

/** Whether `pathname` is the item's page or below it. */
export function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
