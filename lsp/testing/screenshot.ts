/**
 * Renders editors/vscode/images/screenshot.png from the real server's answers (no VS Code window
 * here): the example rule set is copied, one field is misspelled and `event.` is typed, then
 * `opsflow lsp` is asked over stdio for diagnostics, semantic tokens, completion and hover, and
 * an editor-like HTML page drawn from those answers is photographed by headless Chromium.
 * Run: `node -r @swc-node/register lsp/testing/screenshot.ts` (after `npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompletionRequest,
  HoverRequest,
  SemanticTokensRequest,
  type CompletionList,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { LspClient } from './lsp-client';

const ROOT = join(__dirname, '..', '..');
const FILE = 'replenishment.rule';
const COLORS = ['#4ec9b0', '#9cdcfe', '#dcdcaa', '#9cdcfe', '#4ec9b0', '#9cdcfe', '#4ec9b0'];
const KEYWORDS = /\b(rule|on|when|key|concurrency|single|do|let|call|retry|every|backoff|timeout|wait|for|as|where|within|if|end|log|stop|manual|each|in|emit|and|or|not|null)\b/g; // prettier-ignore
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opsflow-shot-'));
  cpSync(join(ROOT, 'rules'), dir, { recursive: true });
  const original = readFileSync(join(dir, FILE), 'utf8');
  const lines = original
    .replace('when event.available < event.reorder_point', 'when event.available < event.reorder_pont')
    .split('\n')
    .slice(0, 18);
  lines.splice(16, 0, '    log event.');
  const text = lines.join('\n') + '\n' + original.split('\n').slice(18).join('\n');
  const client = await LspClient.start(dir);
  try {
    await client.open(FILE, text);
    const diags = await client.diagnosticsFor(FILE, (d) => d.some((x) => x.code === 'unknown-field'));
    const uri = client.uri(FILE);
    const tokens = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }))?.data ?? []; // prettier-ignore
    const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 16, character: 14 } }); // prettier-ignore
    const items = (Array.isArray(completion) ? completion : ((completion as CompletionList | null)?.items ?? [])).slice(0, 7); // prettier-ignore
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 7 } }); // prettier-ignore
    const hoverText = ((h?.contents as MarkupContent | undefined)?.value ?? '')
      .replace(/```opsflow\n|```/g, '')
      .trim();

    // Decorations per line: [start, end, style].
    const marks = new Map<number, [number, number, string][]>();
    const mark = (line: number, s: number, e: number, style: string) => marks.set(line, [...(marks.get(line) ?? []), [s, e, style]]); // prettier-ignore
    let line = 0;
    let char = 0;
    for (let i = 0; i + 4 < tokens.length; i += 5) {
      line += tokens[i];
      char = tokens[i] === 0 ? char + tokens[i + 1] : tokens[i + 1];
      mark(line, char, char + tokens[i + 2], `color:${COLORS[tokens[i + 3]]}`);
    }
    const bad = diags.find((d) => d.code === 'unknown-field')!;
    const render = (n: number, l: string): string => {
      if (l.trimStart().startsWith('#')) return `<span style="color:#6a9955">${esc(l)}</span>`;
      const style: string[] = Array.from({ length: l.length }, () => '');
      for (const m of l.matchAll(KEYWORDS)) for (let k = m.index; k < m.index + m[0].length; k++) style[k] = 'color:#c586c0'; // prettier-ignore
      for (const m of l.matchAll(/"[^"]*"/g)) for (let k = m.index; k < m.index + m[0].length; k++) style[k] = 'color:#ce9178'; // prettier-ignore
      for (const [s, e, st] of marks.get(n) ?? []) for (let k = s; k < e && k < l.length; k++) style[k] = st;
      if (bad.range.start.line === n) for (let k = bad.range.start.character; k < bad.range.end.character; k++) style[k] += ';text-decoration:underline wavy #f14c4c'; // prettier-ignore
      let out = '';
      for (let k = 0; k < l.length; k++)
        out += style[k] ? `<span style="${style[k]}">${esc(l[k])}</span>` : esc(l[k]);
      return out;
    };
    // The first rule, and room below it for the completion list.
    const shown = [...text.split('\n').slice(0, 20), ...Array.from({ length: 6 }, () => '')];
    const code = shown.map((l, n) => `<div class="l"><span class="n">${n < 20 ? n + 1 : ''}</span>${render(n, l)}</div>`).join(''); // prettier-ignore
    const popup = items.map((i, k) => `<div class="it${k === 0 ? ' sel' : ''}"><span class="ic">◇</span>${esc(i.label)}<span class="dt">${esc(i.detail ?? '')}</span></div>`).join(''); // prettier-ignore
    const problems = diags.map((d) => `<div>✖ ${esc(d.message)} <span class="dt">opsflow(${d.code}) [Ln ${d.range.start.line + 1}, Col ${d.range.start.character + 1}]</span></div>`).join(''); // prettier-ignore
    const html = `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#1e1e1e;color:#d4d4d4;font:14px/20px "DejaVu Sans Mono",monospace}
.tab{background:#252526;color:#fff;padding:6px 14px;font-family:sans-serif;font-size:13px}
.ed{position:relative;padding:8px 0}.l{white-space:pre;height:20px}.n{display:inline-block;width:44px;color:#858585;text-align:right;margin-right:18px}
.pop{position:absolute;top:${8 + 17 * 20}px;left:${62 + 14 * 8.4}px;background:#252526;border:1px solid #454545;width:420px}
.it{padding:1px 6px;white-space:pre}.sel{background:#04395e}.ic{color:#75beff;margin-right:6px}.dt{float:right;color:#9d9d9d}
.hov{position:absolute;top:${8 + 9 * 20 + 2}px;left:${62 + 6 * 8.4}px;background:#252526;border:1px solid #454545;padding:6px 10px;white-space:pre;color:#9cdcfe}
.pr{border-top:1px solid #414141;padding:6px 14px;font-family:sans-serif;font-size:13px;color:#ccc}.pr b{color:#fff}
</style><div class="tab">${FILE} — rules</div><div class="ed">${code}<div class="pop">${popup}</div><div class="hov">${esc(hoverText)}</div></div>
<div class="pr"><b>PROBLEMS</b>${problems}</div>`;
    const page = join(dir, 'shot.html');
    writeFileSync(page, html);
    const out = join(ROOT, 'editors', 'vscode', 'images', 'screenshot.png');
    execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${out}`, '--window-size=1280,680', `file://${page}`], { stdio: 'ignore' }); // prettier-ignore
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
