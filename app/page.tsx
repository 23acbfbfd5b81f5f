export default function Home() {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-2xl font-semibold">Unified Inbox</h1>
      <p className="mt-2 text-slate-600">The web app arrives with the inbox issue.</p>
    </main>
  );
}
