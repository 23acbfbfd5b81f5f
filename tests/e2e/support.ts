/**
 * Shared steps for the browser tests: sign up a fresh account (so counts are exact), keep a
 * screenshot of a screen, create an API key through Settings, and call the REST API from the
 * test process like an outside system would.
 */
import { expect, type Page, type TestInfo } from "@playwright/test";
import { E2E_SITE_PORT } from "./ports";

export const API_BASE = `http://127.0.0.1:${E2E_SITE_PORT}/api/v1`;
export const PASSWORD = "e2e-password-1";

/** A full-page screenshot, kept with the test's results (test-results/e2e/…). */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** Sign up a new account in this page and wait for the app. Returns its email. */
export async function signUp(page: Page, label: string): Promise<string> {
  const email = `e2e-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto("/signin");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  return email;
}

/** Create an API key in Settings → API keys and read it from the one-time display. */
export async function createApiKey(page: Page, name: string): Promise<string> {
  await page.goto("/settings#api-keys");
  await page.getByRole("button", { name: "Create API key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create an API key" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByRole("dialog", { name: "Copy your new API key" });
  const key = await shown.getByLabel(`API key “${name}”`).inputValue();
  expect(key).toMatch(/^uik_live_/);
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toBeHidden();
  return key;
}

export type ApiResponse = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } };

/** One REST API request with an API key. */
export async function callApi(key: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const response = await fetch(`${API_BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as ApiResponse["body"]) : {} };
}

/** A REST call that must succeed with `status`; returns the body. */
export async function apiOk(key: string, method: string, path: string, body: unknown, status: number): Promise<ApiResponse["body"]> {
  const response = await callApi(key, method, path, body);
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body;
}

/** Run `work` over `items`, at most `limit` at a time (keeps a 2-core machine and the rate limit happy). */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map((item, j) => work(item, i + j)))));
  }
  return results;
}
