"use client";

/**
 * Windowing for a list of fixed-height rows (the conversation list): which rows are in view, with
 * some overscan, and how to bring one into view. Fixed heights make this a little arithmetic, so
 * the inbox's first load does without a general virtualizer (the thread, with measured rows of
 * any height, uses TanStack Virtual and loads with the conversation).
 */
import { useCallback, useEffect, useState, type RefObject } from "react";
import { visibleRows } from "@/lib/rowWindow";

export type RowWindow = {
  /** First and last (inclusive) row index to render; end < start when there are none. */
  start: number;
  end: number;
  totalHeight: number;
  /** Scroll the least needed to show row `index` whole. */
  scrollToIndex: (index: number) => void;
};

export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan = 6): RowWindow {
  const [viewport, setViewport] = useState({ offset: 0, height: 0 });

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      setViewport((v) => (v.offset === el.scrollTop && v.height === el.clientHeight ? v : { offset: el.scrollTop, height: el.clientHeight }));
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(read);
    };
    read();
    el.addEventListener("scroll", schedule, { passive: true });
    const observer = new ResizeObserver(schedule);
    observer.observe(el);
    return () => {
      el.removeEventListener("scroll", schedule);
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [scrollRef]);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
      // Render the target now, not on the next scroll event.
      setViewport({ offset: el.scrollTop, height: el.clientHeight });
    },
    [scrollRef, rowHeight],
  );

  const { start, end } = visibleRows(count, rowHeight, viewport.offset, viewport.height, overscan);
  return { start, end, totalHeight: count * rowHeight, scrollToIndex };
}
