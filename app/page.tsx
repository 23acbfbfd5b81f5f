import { redirect } from "next/navigation";

// The home screen. Contacts until the inbox lands; then this becomes "/inbox".
export default function Home() {
  redirect("/contacts");
}
