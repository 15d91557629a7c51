// Parses every ```mermaid block of the Markdown files given as arguments
// with the real Mermaid parser (mermaid + jsdom, from package-lock.json)
// and prints one JSON line per block: {file, index, type} or {file,
// index, error}. Exits 1 when any block fails to parse.
import fs from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let failed = false;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const [index, block] of blocks.entries()) {
    try {
      const r = await mermaid.parse(block);
      console.log(JSON.stringify({ file, index, type: r.diagramType }));
    } catch (e) {
      failed = true;
      console.log(JSON.stringify({ file, index, error: String(e.message || e).split('\n').slice(0, 4).join(' ') }));
    }
  }
}
process.exit(failed ? 1 : 0);
