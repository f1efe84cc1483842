// Markdown to DOM nodes, safely: the text is never parsed as HTML. Blocks and inline marks are
// recognised here and built with createElement; every piece of model or user text becomes a
// Text node. Supported: fenced code, headings, lists, block quotes, rules, paragraphs, `code`,
// **bold**, *italic*, and [links](https://…) to http(s) and mailto only.

const INLINE = /(`+)([^`][\s\S]*?)\1|\*\*([^*\n]+?)\*\*|(?<!\w)__([^_\n]+?)__(?!\w)|\*([^*\s][^*\n]*?)\*|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** A link target that is safe to follow, or null. */
function safeHref(url) {
  try {
    const u = new URL(url, 'https://invalid.example/');
    if (u.origin === 'https://invalid.example') return null; // relative: not a link in a chat
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/** Inline marks of one line or paragraph, appended to `parent`. */
function inline(parent, text) {
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > at) parent.append(document.createTextNode(text.slice(at, m.index)));
    at = m.index + m[0].length;
    if (m[1]) {
      const code = document.createElement('code');
      code.textContent = m[2];
      parent.append(code);
    } else if (m[3] || m[4]) {
      const b = document.createElement('strong');
      inline(b, m[3] ?? m[4]);
      parent.append(b);
    } else if (m[5]) {
      const i = document.createElement('em');
      inline(i, m[5]);
      parent.append(i);
    } else {
      const href = safeHref(m[7]);
      if (!href) { parent.append(document.createTextNode(m[0])); continue; }
      const a = document.createElement('a');
      a.href = href;
      a.rel = 'noopener noreferrer nofollow';
      a.target = '_blank';
      inline(a, m[6]);
      parent.append(a);
    }
  }
  if (at < text.length) parent.append(document.createTextNode(text.slice(at)));
}

function el(tag, text) {
  const e = document.createElement(tag);
  if (text !== undefined) inline(e, text);
  return e;
}

const LIST = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

/** Renders `text` as Markdown into a DocumentFragment. */
export function renderMarkdown(text) {
  const out = document.createDocumentFragment();
  const lines = String(text).replace(/\r\n?/g, '\n').split('\n');
  let para = [];
  const flush = () => {
    if (para.length) out.append(el('p', para.join('\n')));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = line.match(/^\s*(```+|~~~+)\s*([\w+#.-]*)/);
    if (fence) {
      flush();
      const body = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) body.push(lines[i]);
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      if (fence[2]) code.dataset.lang = fence[2];
      code.textContent = body.join('\n');
      pre.append(code);
      out.append(pre);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) { flush(); out.append(el(`h${Math.min(6, heading[1].length + 2)}`, heading[2])); continue; }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) { flush(); out.append(document.createElement('hr')); continue; }
    if (line.startsWith('>')) {
      flush();
      const quoted = [];
      for (; i < lines.length && lines[i].startsWith('>'); i++) quoted.push(lines[i].replace(/^>\s?/, ''));
      i--;
      const bq = document.createElement('blockquote');
      bq.append(renderMarkdown(quoted.join('\n')));
      out.append(bq);
      continue;
    }
    const item = line.match(LIST);
    if (item) {
      flush();
      const ordered = /\d/.test(item[2]);
      const list = document.createElement(ordered ? 'ol' : 'ul');
      if (ordered && parseInt(item[2], 10) !== 1) list.start = parseInt(item[2], 10);
      for (; i < lines.length; i++) {
        const m = lines[i].match(LIST);
        if (m && /\d/.test(m[2]) === ordered) list.append(el('li', m[3]));
        else if (lines[i].trim() && /^\s{2,}/.test(lines[i]) && list.lastChild) {
          list.lastChild.append(document.createTextNode('\n'));
          inline(list.lastChild, lines[i].trim());
        } else break;
      }
      i--;
      out.append(list);
      continue;
    }
    if (!line.trim()) { flush(); continue; }
    para.push(line);
  }
  flush();
  return out;
}
