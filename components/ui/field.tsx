"use client";

/**
 * Labelled form controls. Each control gets a visible <label> (or a screen-reader-only one),
 * an optional hint, and an inline error wired up with aria-invalid / aria-describedby.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { cn } from "@/lib/cn";
import { AlertIcon, SearchIcon } from "./icons";

type FieldOwnProps = {
  label: string;
  /** Keep the label for assistive technology only (e.g. a search box with an icon). */
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
};

const controlBase =
  "block w-full rounded-md border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 " +
  "focus:outline-2 focus:outline-offset-0 focus:outline-indigo-600 disabled:bg-slate-100 disabled:text-slate-600";

function controlClasses(hasError: boolean, extra?: string) {
  return cn(controlBase, hasError ? "border-red-600" : "border-slate-300", extra);
}

function useFieldIds(hint: ReactNode, error: ReactNode) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return { id, hintId, errorId, describedBy };
}

function FieldFrame({
  id,
  label,
  hideLabel,
  hint,
  hintId,
  error,
  errorId,
  className,
  children,
}: FieldOwnProps & { id: string; hintId?: string; errorId?: string; children: ReactNode }) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "block text-sm font-medium text-slate-800"}>
        {label}
      </label>
      {children}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <div id={errorId} className="flex items-start gap-1.5 text-sm text-red-700">
          <AlertIcon className="mt-0.5 size-4 shrink-0" />
          <div>{error}</div>
        </div>
      ) : null}
    </div>
  );
}

export type InputProps = FieldOwnProps & Omit<InputHTMLAttributes<HTMLInputElement>, "className"> & {
  inputClassName?: string;
  ref?: React.Ref<HTMLInputElement>;
  /** Rendered inside the input's left edge (e.g. a search icon). */
  leading?: ReactNode;
};

export function Input({ label, hideLabel, hint, error, className, inputClassName, leading, id: _id, ...rest }: InputProps) {
  const { id, hintId, errorId, describedBy } = useFieldIds(hint, error);
  return (
    <FieldFrame {...{ id, label, hideLabel, hint, hintId, error, errorId, className }}>
      <div className="relative">
        {leading ? (
          <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-slate-500">{leading}</span>
        ) : null}
        <input
          id={id}
          // Names and messages may be written right to left: the box follows what is typed.
          dir="auto"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className={controlClasses(Boolean(error), cn("h-10", leading ? "pl-9" : undefined, inputClassName))}
          {...rest}
        />
      </div>
    </FieldFrame>
  );
}

/**
 * A search box: the search icon, no autocomplete, and Enter never submits a surrounding form
 * (searching is live; a form around it is for what was picked).
 */
export function SearchInput({ onKeyDown, ...rest }: Omit<InputProps, "type" | "leading">) {
  return (
    <Input
      type="search"
      autoComplete="off"
      leading={<SearchIcon className="size-4" />}
      onKeyDown={(e) => {
        onKeyDown?.(e);
        if (!e.defaultPrevented && e.key === "Enter") e.preventDefault();
      }}
      {...rest}
    />
  );
}

export type TextareaProps = FieldOwnProps &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className"> & { ref?: React.Ref<HTMLTextAreaElement> };

/** A multi-line field; Cmd/Ctrl+Enter submits its form (Enter alone adds a line). */
export function Textarea({ label, hideLabel, hint, error, className, id: _id, rows = 3, onKeyDown, ...rest }: TextareaProps) {
  const { id, hintId, errorId, describedBy } = useFieldIds(hint, error);
  return (
    <FieldFrame {...{ id, label, hideLabel, hint, hintId, error, errorId, className }}>
      <textarea
        id={id}
        dir="auto"
        rows={rows}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={controlClasses(Boolean(error), "py-2")}
        onKeyDown={(e) => {
          onKeyDown?.(e);
          if (!e.defaultPrevented && e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        {...rest}
      />
    </FieldFrame>
  );
}

export type SelectProps = FieldOwnProps &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> & { ref?: React.Ref<HTMLSelectElement> };

export function Select({ label, hideLabel, hint, error, className, id: _id, children, ...rest }: SelectProps) {
  const { id, hintId, errorId, describedBy } = useFieldIds(hint, error);
  return (
    <FieldFrame {...{ id, label, hideLabel, hint, hintId, error, errorId, className }}>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={controlClasses(Boolean(error), "h-10 pr-8")}
        {...rest}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

/** An error for the whole form (not one field), announced when it appears. */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div role="alert" className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <AlertIcon className="mt-0.5 size-4 shrink-0" />
      <div>{children}</div>
    </div>
  );
}

/** A checkbox styled to match; label it with aria-label or a wrapping <label>. */
export function Checkbox({
  className,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { ref?: React.Ref<HTMLInputElement> }) {
  return (
    <input
      type="checkbox"
      className={cn(
        "size-4 rounded border-slate-400 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
        className,
      )}
      {...rest}
    />
  );
}
