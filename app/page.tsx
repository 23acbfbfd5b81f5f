import { redirect } from "next/navigation";
import { HOME_PATH } from "@/lib/routes";

// The home screen is the inbox.
export default function Home() {
  redirect(HOME_PATH);
}
