/**
 * The ```sh blocks of a Markdown document as commands, split as sh would for what our docs use:
 * '…' and "…" quotes, `$NAME` (marked, for the caller to expand when the command runs), `#`
 * comments, `&&`, and `< file` / `> file` redirects. `<…>` without a space after `<` is a
 * placeholder, kept as text. Used by test/readme.test.ts to walk the README as a script.
 */
/** One shell line of a document: its commands (joined by `&&`) and its comment. */
export interface Line {
  no: number;
  text: string;
  comment: string;
  commands: Command[];
}

export interface Command {
  argv: string[];
  stdinFile?: string;
  stdoutFile?: string;
}

/** The ```sh blocks' lines, with their line numbers in the document. */
export function shellLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let inSh = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^```/.test(text)) {
      inSh = !inSh && text.trim() === '```sh';
      return;
    }
    if (!inSh || !text.trim()) return;
    const { words, comment } = shellWords(text);
    lines.push({ no: i + 1, text, comment, commands: commandsOf(words, i + 1) });
  });
  return lines;
}

type Word = { text: string; op?: '&&' | '<' | '>' };

/**
 * Splits a line as sh would, for what the docs use: '…' and "…" quotes, `$NAME` outside
 * single quotes (marked here, expanded when the line runs), `#` starting a word as a comment,
 * `&&`, and `< file` / `> file` redirects (with a space after the angle bracket; `<…>` without
 * one is a placeholder, kept as text).
 */
function shellWords(line: string): { words: Word[]; comment: string } {
  const words: Word[] = [];
  let word: string | undefined;
  let i = 0;
  const end = () => {
    if (word !== undefined) words.push({ text: word });
    word = undefined;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if (c === '#' && word === undefined) {
      return { words, comment: line.slice(i + 1).trim() };
    } else if (line.startsWith('&&', i) && word === undefined) {
      words.push({ text: '&&', op: '&&' });
      i += 2;
    } else if ((c === '<' || c === '>') && word === undefined && /\s/.test(line[i + 1] ?? ' ')) {
      words.push({ text: c, op: c });
      i++;
    } else if (c === '<') {
      const close = line.indexOf('>', i);
      if (close < 0) throw new Error(`unclosed placeholder in: ${line}`);
      word = (word ?? '') + line.slice(i, close + 1);
      i = close + 1;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      const close = line.indexOf('"', i + 1);
      if (close < 0) throw new Error(`unclosed quote in: ${line}`);
      word = (word ?? '') + markVariables(line.slice(i + 1, close));
      i = close + 1;
    } else {
      const m = /^[^\s'"<]+/.exec(line.slice(i)) as RegExpExecArray;
      word = (word ?? '') + markVariables(m[0]);
      i += m[0].length;
    }
  }
  end();
  return { words, comment: '' };
}

/** Marks a variable in a word: `\u0000NAME\u0000`, expanded by `expand`. */
export const VAR = '\u0000';
const markVariables = (text: string) => text.replace(/\$([A-Z_][A-Z0-9_]*)/g, `${VAR}$1${VAR}`);

export function expand(text: string, env: Record<string, string>): string {
  return text.replace(new RegExp(`${VAR}(\\w+)${VAR}`, 'g'), (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`the document uses $${name}, which the caller does not set`);
    return value;
  });
}

function commandsOf(words: Word[], no: number): Command[] {
  const commands: Command[] = [];
  let cmd: Command = { argv: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as Word;
    if (w.op === '&&') {
      commands.push(cmd);
      cmd = { argv: [] };
    } else if (w.op === '<' || w.op === '>') {
      const file = words[++i]?.text;
      if (!file) throw new Error(`line ${no}: a redirect without a file`);
      if (w.op === '<') cmd.stdinFile = file;
      else cmd.stdoutFile = file;
    } else cmd.argv.push(w.text);
  }
  commands.push(cmd);
  return commands;
}
