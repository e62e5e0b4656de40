/** Resolves once `check` stops throwing, re-checking every animation frame; rethrows after `timeoutMs`. */
export async function eventually(check: () => void, timeoutMs = 10000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }
}

/** Waits for `n` animation frames (layout and scroll handlers have run). */
export async function frames(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}

/** An element inside a component's shadow root. */
export function inside(host: Element, selector: string): HTMLElement | null {
  return host.shadowRoot?.querySelector<HTMLElement>(selector) ?? null;
}

export function allInside(host: Element, selector: string): HTMLElement[] {
  return [...(host.shadowRoot?.querySelectorAll<HTMLElement>(selector) ?? [])];
}

/** The element that has focus, looking through shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
