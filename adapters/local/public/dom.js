// Small DOM helpers shared by the chat modules. Text only ever goes in through
// textContent or text nodes: nothing in this page parses HTML.

let idCounter = 0;

/** A page-unique id, e.g. `form-3`; one counter for every kind of id. */
export function nextId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

/** Text for screen readers only ("Jij:", "Fout:", "(opent in een nieuw tabblad)"). */
export function hidden(text) {
  const span = el('span', 'visually-hidden');
  span.textContent = text;
  return span;
}
