"use client";

import { Component, type ReactNode } from "react";

/**
 * A local error boundary for a part of a page (e.g. a dialog whose document was deleted),
 * so one failed query does not replace the whole route with error.tsx.
 */
export class ErrorBoundary extends Component<
  { fallback: (error: unknown) => ReactNode; children: ReactNode },
  { error: unknown; failed: boolean }
> {
  state = { error: null as unknown, failed: false };

  static getDerivedStateFromError(error: unknown) {
    return { error, failed: true };
  }

  render() {
    return this.state.failed ? this.props.fallback(this.state.error) : this.props.children;
  }
}
