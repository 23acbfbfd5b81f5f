"use client";

/**
 * The optional new-message sound: a setting of this browser (off unless turned on in Settings),
 * kept in localStorage and shared live between tabs, and the chime itself (Web Audio: no file).
 */
import { useCallback, useSyncExternalStore } from "react";

const KEY = "unified-inbox:sound";
const CHANGED = "unified-inbox:sound-changed";

function subscribe(onChange: () => void): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) onChange();
  };
  window.addEventListener("storage", onStorage);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onStorage);
    window.removeEventListener(CHANGED, onChange);
  };
}

const read = () => window.localStorage.getItem(KEY) === "on";

export function useSoundSetting(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(subscribe, read, () => false);
  const set = useCallback((next: boolean) => {
    window.localStorage.setItem(KEY, next ? "on" : "off");
    window.dispatchEvent(new Event(CHANGED));
    // Turning it on is a click: the moment browsers let audio start. Say it is on.
    if (next) playChime();
  }, []);
  return [on, set];
}

let audio: AudioContext | null = null;

/** A short two-note chime. Browsers play it once the person has interacted with the page. */
export function playChime(): void {
  if (typeof AudioContext === "undefined") return;
  audio ??= new AudioContext();
  if (audio.state === "suspended") void audio.resume().catch(() => undefined);
  const start = audio.currentTime + 0.01;
  for (const [i, frequency] of [880, 1318.5].entries()) {
    const at = start + i * 0.12;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 0.3);
  }
}
