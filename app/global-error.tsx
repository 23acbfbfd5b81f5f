"use client";

// Replaces the root layout when it fails (e.g. the Convex client cannot start), so it brings
// its own document and plain styles: globals.css does not apply here.
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  console.error(error);
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", color: "#0f172a", margin: 0 }}>
        <main style={{ maxWidth: 28 * 16, margin: "15vh auto", padding: "0 16px", textAlign: "center" }}>
          <title>Unified Inbox could not start</title>
          <h1 style={{ fontSize: 24, fontWeight: 600 }}>Unified Inbox could not start</h1>
          <p style={{ color: "#475569" }}>Something went wrong while loading the app. Please try again.</p>
          <button
            type="button"
            onClick={retry}
            style={{ marginTop: 16, padding: "8px 16px", borderRadius: 6, border: 0, background: "#4f46e5", color: "#fff", fontSize: 14, cursor: "pointer" }}
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
