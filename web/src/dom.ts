// A tiny DOM builder: views return fresh nodes and the router swaps them in.
// Text always goes through text nodes, never innerHTML, so names from the
// manifest cannot inject markup.

export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h(tag: string, attrs: Attrs | null = null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') {
        el.addEventListener(k.replace(/^on/, ''), v);
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

// Replaces `root`'s content with `nodes`, keeping keyboard focus on the
// element with the same data-focus key if there was one (live updates must
// not steal focus from someone tabbing through the page).
export function replaceKeepingFocus(root: HTMLElement, nodes: Child[]): void {
  const active = document.activeElement as HTMLElement | null;
  const key = active && root.contains(active) ? active.getAttribute('data-focus') : null;
  const selStart = active instanceof HTMLInputElement ? active.selectionStart : null;
  const scrollY = window.scrollY;
  root.replaceChildren();
  append(root, nodes);
  if (key) {
    const again = root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`);
    if (again) {
      again.focus({ preventScroll: true });
      if (again instanceof HTMLInputElement && selStart !== null) again.setSelectionRange(selStart, selStart);
    }
  }
  window.scrollTo(0, scrollY);
}

export async function copyText(text: string, button: HTMLElement, doneLabel: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard needs a secure context; select the text instead.
    const pre = button.parentElement?.querySelector('code, pre');
    if (pre) {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    }
  }
  const old = button.textContent;
  button.textContent = doneLabel;
  setTimeout(() => (button.textContent = old), 1500);
}
