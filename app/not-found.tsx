import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">This page does not exist (yet)</h1>
      <p className="mt-2 max-w-md text-sm text-slate-600">Some sections of Unified Inbox are still being built.</p>
      <Link href="/" className={buttonClasses({ variant: "primary", className: "mt-6" })}>
        Go to the app
      </Link>
    </main>
  );
}
