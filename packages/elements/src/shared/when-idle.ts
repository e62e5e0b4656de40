/**
 * Runs `task` once the page has loaded and the browser is idle: code fetched
 * ahead of need (the thread's, on a product page) must not compete with the
 * page's own first load, nor delay its first input.
 */
export function whenIdle(task: () => void): void {
  const idle = () =>
    typeof requestIdleCallback === 'function'
      ? // The timeout bounds the wait on a page that is never idle (animations): the code still comes.
        requestIdleCallback(() => task(), { timeout: 3000 })
      : setTimeout(task, 200);
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
}
