"use client";

import { useAuthActions } from "@convex-dev/auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { authErrorField, describeAuthError, errorCodeOf, type AuthFlow } from "@/lib/app-error";
import { ERROR_CODES } from "@/lib/errors";
import { safeNextPath } from "@/lib/routes";
import { Button } from "@/components/ui/button";
import { FormError, Input } from "@/components/ui/field";
import { Logo } from "@/components/shell/logo";
import { MIN_PASSWORD_LENGTH } from "@/lib/password";


type Errors = { email?: string; password?: string; form?: string; accountExists?: boolean };

export function SignInForm() {
  const { signIn } = useAuthActions();
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
  const [flow, setFlow] = useState<AuthFlow>("signIn");
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const formErrorRef = useRef<HTMLDivElement>(null);

  function switchFlow(to: AuthFlow) {
    setFlow(to);
    setErrors({});
    emailRef.current?.focus();
  }

  function focusError(found: Errors) {
    if (found.email) emailRef.current?.focus();
    else if (found.password) passwordRef.current?.focus();
    else formErrorRef.current?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");

    const found: Errors = {};
    if (!email) found.email = "Enter your email address.";
    if (!password) found.password = "Enter your password.";
    else if (flow === "signUp" && password.length < MIN_PASSWORD_LENGTH) found.password = ERROR_CODES.WEAK_PASSWORD;
    setErrors(found);
    if (found.email || found.password) {
      focusError(found);
      return;
    }

    form.set("email", email);
    form.set("flow", flow);
    if (flow === "signIn") form.delete("name");
    setPending(true);
    try {
      await signIn("password", form);
      router.replace(next);
      // Stay "pending" while the next page loads.
    } catch (error) {
      const code = errorCodeOf(error);
      const message = describeAuthError(error, flow);
      const field = authErrorField(code);
      const result: Errors =
        field === "email" ? { email: message } : field === "password" ? { password: message } : { form: message };
      result.accountExists = code === "ACCOUNT_EXISTS";
      setErrors(result);
      setPending(false);
      // Wait for the error to render before moving focus to it.
      requestAnimationFrame(() => focusError(result));
    }
  }

  const signingUp = flow === "signUp";
  return (
    <div className="w-full max-w-sm">
      <div className="mb-6 flex justify-center">
        <Logo />
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-xl font-semibold text-slate-900">{signingUp ? "Create your account" : "Sign in to your inbox"}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {signingUp ? "Start keeping every conversation in one place." : "Sign in with your email and password."}
        </p>

        <form className="mt-6 space-y-4" onSubmit={(e) => void onSubmit(e)} noValidate>
          {errors.form ? (
            <div ref={formErrorRef} tabIndex={-1} className="outline-none">
              <FormError>{errors.form}</FormError>
            </div>
          ) : null}
          {signingUp ? <Input label="Name" name="name" autoComplete="name" hint="Optional." maxLength={100} /> : null}
          <Input
            ref={emailRef}
            label="Email"
            name="email"
            type="email"
            autoComplete={signingUp ? "email" : "username"}
            inputMode="email"
            required
            error={
              errors.email ? (
                <>
                  {errors.email}{" "}
                  {errors.accountExists ? (
                    <button type="button" className="font-medium underline" onClick={() => switchFlow("signIn")}>
                      Switch to the sign-in form
                    </button>
                  ) : null}
                </>
              ) : undefined
            }
          />
          <Input
            ref={passwordRef}
            label="Password"
            name="password"
            type="password"
            autoComplete={signingUp ? "new-password" : "current-password"}
            required
            hint={signingUp ? `At least ${MIN_PASSWORD_LENGTH} characters.` : undefined}
            error={errors.password}
          />
          <Button type="submit" variant="primary" className="w-full" loading={pending}>
            {signingUp ? "Sign up" : "Sign in"}
          </Button>
        </form>
      </div>

      <p className="mt-6 text-center text-sm text-slate-600">
        {signingUp ? "Already have an account? " : "New to Unified Inbox? "}
        <button
          type="button"
          className="font-medium text-indigo-700 underline-offset-2 hover:underline"
          onClick={() => switchFlow(signingUp ? "signIn" : "signUp")}
          disabled={pending}
        >
          {signingUp ? "Log in to it" : "Create an account"}
        </button>
      </p>
    </div>
  );
}
