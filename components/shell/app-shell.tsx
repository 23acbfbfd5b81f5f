"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { lazy, Suspense, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import { useIsClient } from "@/lib/use-is-client";
import { SettingsIcon } from "@/components/ui/icons";
import { AuthGate } from "./auth-gate";
import { ConnectionBanner } from "./connection-banner";
import { Logo } from "./logo";
import { isActive, NAV_ITEMS } from "./nav-items";
import { UserMenu } from "./user-menu";

// Notifications in the page (unread in the tab, the service worker, device in use): loaded in the
// browser after the page, so none of it weighs on any route's first load (React.lazy, not
// next/dynamic, whose loader would itself join every route's first load).
const PageNotifier = lazy(() => import("@/components/notifications/page-notifier"));

/** Pages that fill the viewport edge to edge and scroll inside their own panes. */
const FULL_BLEED = ["/inbox"];

/**
 * The frame of every signed-in page: a sidebar from 640px up; below that a top bar
 * (logo, settings, account) and a bottom tab bar. On a phone an open conversation gets the
 * whole screen: a page that marks itself `data-phone-fullscreen` hides both bars (its own
 * header has the way back).
 */
export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // The phone tab bar keeps the everyday places; Templates are inserted from the composers there.
  const bottomItems = NAV_ITEMS.filter((item) => item.href !== "/settings" && item.href !== "/templates");
  const fullBleed = FULL_BLEED.some((href) => isActive(pathname, href));
  const notifier = useIsClient() ? (
    <Suspense fallback={null}>
      <PageNotifier />
    </Suspense>
  ) : null;

  return (
    <div className="group/shell min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <ConnectionBanner />

      {/* Desktop sidebar */}
      <aside className="fixed inset-y-0 left-0 z-20 hidden w-56 flex-col border-r border-slate-200 bg-white sm:flex">
        <div className="flex h-16 items-center px-4">
          <Link href="/" className="rounded-md">
            <Logo />
          </Link>
        </div>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-2">
          <ul className="space-y-1">
            {NAV_ITEMS.map(({ href, label, icon: Icon }) => {
              const active = isActive(pathname, href);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium",
                      active ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
                    )}
                  >
                    <Icon className={cn("size-5", active ? "text-indigo-700" : "text-slate-500")} />
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="border-t border-slate-200 p-3">
          <UserMenu placement="up" />
        </div>
      </aside>

      {/* Phone top bar */}
      <header className="sticky top-0 z-20 flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4 group-has-[[data-phone-fullscreen]]/shell:hidden sm:hidden">
        <Link href="/" className="rounded-md">
          <Logo />
        </Link>
        <div className="flex items-center gap-1">
          <Link
            href="/settings"
            aria-current={isActive(pathname, "/settings") ? "page" : undefined}
            className={cn(
              "rounded-md p-2 hover:bg-slate-100",
              isActive(pathname, "/settings") ? "text-indigo-700" : "text-slate-600",
            )}
          >
            <SettingsIcon />
            <span className="sr-only">Settings</span>
          </Link>
          <UserMenu placement="down" compact />
        </div>
      </header>

      {fullBleed ? (
        // Exactly the space between the phone's top bar and tab bar (the whole height from 640px).
        <main
          id="main"
          tabIndex={-1}
          className="h-[calc(100dvh-7rem-env(safe-area-inset-bottom))] overflow-hidden outline-none group-has-[[data-phone-fullscreen]]/shell:h-dvh sm:h-dvh sm:pl-56"
        >
          <AuthGate>
            {children}
            {notifier}
          </AuthGate>
        </main>
      ) : (
        <main id="main" tabIndex={-1} className="pb-20 outline-none sm:pb-0 sm:pl-56">
          <div className="mx-auto max-w-6xl px-4 py-6 sm:px-6 lg:px-8">
            <AuthGate>
              {children}
              {notifier}
            </AuthGate>
          </div>
        </main>
      )}

      {/* Phone tab bar */}
      <nav
        aria-label="Main"
        className="fixed inset-x-0 bottom-0 z-20 h-[calc(3.5rem+env(safe-area-inset-bottom))] border-t border-slate-200 bg-white pb-[env(safe-area-inset-bottom)] group-has-[[data-phone-fullscreen]]/shell:hidden sm:hidden"
      >
        <ul className="grid h-full grid-cols-5">
          {bottomItems.map(({ href, label, icon: Icon }) => {
            const active = isActive(pathname, href);
            return (
              <li key={href}>
                <Link
                  href={href}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "flex h-full flex-col items-center justify-center gap-0.5 px-1 text-[11px] font-medium",
                    active ? "text-indigo-700" : "text-slate-600",
                  )}
                >
                  <Icon className="size-5" />
                  {label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </div>
  );
}
