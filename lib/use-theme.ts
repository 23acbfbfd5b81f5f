"use client";

import { useCallback, useSyncExternalStore } from "react";
import { parseTheme, THEME_STORAGE_KEY, themeClasses, type Theme } from "./theme";

const listeners = new Set<() => void>();

function read(): Theme {
  try {
    return parseTheme(window.localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return "system";
  }
}

function apply(theme: Theme) {
  const { add, remove } = themeClasses(theme);
  document.documentElement.classList.remove(...remove);
  document.documentElement.classList.add(...add);
}

function subscribe(onChange: () => void) {
  listeners.add(onChange);
  // Another tab changed it: follow.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== THEME_STORAGE_KEY) return;
    apply(read());
    onChange();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onStorage);
  };
}

/** The theme choice of this browser, and a setter that applies it at once (and in other tabs). */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const theme = useSyncExternalStore(subscribe, read, () => "system" as Theme);
  const setTheme = useCallback((next: Theme) => {
    try {
      if (next === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
      else window.localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
    apply(next);
    for (const listener of listeners) listener();
  }, []);
  return [theme, setTheme];
}
