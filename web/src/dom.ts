// A few helpers to build DOM nodes. Text always goes in as text nodes, never as HTML, so data
// from the node can never turn into markup.

export type Child = Node | string | number | null | undefined | false | Child[];

type Handler = (event: Event) => void;

export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Handler;
}

/** Creates an element. Attributes starting with `on` are event listeners; `true` sets an
 * empty attribute, `false`, `null` and `undefined` leave it out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') {
        el.addEventListener(name.slice(2).toLowerCase(), value);
      } else if (value === true) {
        el.setAttribute(name, '');
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** User data (names, values, usernames) in any script: isolated so that its direction never
 * disturbs the text around it, and its own direction taken from its first strong character. */
export function bdi(text: string, attrs: Attrs | null = null): HTMLElement {
  return h('bdi', attrs, text);
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children; unlike replaceChildren it takes anything `h` takes. */
export function fill(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, children);
}
