import { profileNameProblem } from './profileNameProblem.ts';

/** Thrown when a profile name could not be written as an AWS config section header. */
export class ProfileNameError extends Error {
  override readonly name = 'ProfileNameError';
}

/** Thrown when a setting could not be written as one `key = value` line. */
export class ProfileSettingError extends Error {
  override readonly name = 'ProfileSettingError';
}

interface Line {
  readonly text: string;
  /** '' only for a last line without a terminator. */
  readonly eol: string;
}

type LineKind = 'header' | 'comment' | 'blank' | 'setting';

// A trailing comment after the closing bracket is tolerated because configparser ignores
// whatever follows the header.
const HEADER = /^\[([^\]]*)\]\s*(?:[#;].*)?$/;

// configparser splits options on '=' or ':', and a key starting with '[', '#' or ';' would read
// back as a header or a comment, so the next upsert would not recognise the line it wrote.
const BAD_KEY = /[\s=:[\]#;]/;

const splitLines = (text: string): Line[] => {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      lines.push({ text: text.slice(start), eol: '' });
      break;
    }
    const crlf = nl > start && text[nl - 1] === '\r';
    lines.push({ text: text.slice(start, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n' });
    start = nl + 1;
  }
  return lines;
};

const classify = (text: string): LineKind => {
  // trim() also strips a byte order mark, so a header on the first line is still found.
  const trimmed = text.trim();
  if (trimmed === '') return 'blank';
  if (trimmed.startsWith('#') || trimmed.startsWith(';')) return 'comment';
  // Any bracketed line ends the section before it, even one we cannot parse: treating it as a
  // setting would delete it along with the target section's keys.
  if (trimmed.startsWith('[')) return 'header';
  return 'setting';
};

/** The profile a header line opens, if it opens one. */
const profileOf = (text: string): string | undefined => {
  const match = HEADER.exec(text.trim());
  if (match === null) return undefined;
  const words = (match[1] ?? '').trim().split(/\s+/);
  if (words.length === 1 && words[0] === 'default') return 'default';
  if (words.length === 2 && words[0] === 'profile') return words[1];
  return undefined;
};

const validate = (name: string, settings: ReadonlyArray<readonly [string, string]>): void => {
  if (name === '') throw new ProfileNameError('A profile name must not be empty');
  const problem = profileNameProblem(name);
  if (problem) throw new ProfileNameError(`Invalid profile name ${JSON.stringify(name)}: ${problem}`);
  const seen = new Set<string>();
  for (const [key, value] of settings) {
    if (key === '' || BAD_KEY.test(key)) {
      throw new ProfileSettingError(
        `Invalid setting key ${JSON.stringify(key)}: it must be non-empty and must not contain whitespace, '=', ':', '[', ']', '#' or ';'`,
      );
    }
    if (/[\r\n]/.test(value)) {
      throw new ProfileSettingError(`The value of setting ${key} must not contain a line break`);
    }
    // configparser refuses a section that repeats an option, which would break the whole file.
    if (seen.has(key)) throw new ProfileSettingError(`Setting ${key} is given more than once`);
    seen.add(key);
  }
};

/**
 * Sets a profile's settings in the text of an AWS shared config file, changing nothing else.
 *
 * The profile's section is `[profile NAME]`, or `[default]` for `default` (an existing
 * `[profile default]` is recognised too). Headers are matched with any spacing inside the
 * brackets; the name is case-sensitive.
 *
 * - An existing section keeps its header line as written, and its comment and blank lines where
 *   they are; all its setting lines (with their indented continuation lines) are replaced by
 *   `settings`, written where the first old setting was, or straight after the header if it had
 *   none.
 * - If the section appears more than once (which configparser refuses to load, and for
 *   `[default]` plus `[profile default]` the later one would win), the first is updated and each
 *   later one is dropped: its header, settings and blank lines go, its comments stay.
 * - A missing section is appended, after exactly one blank line (trailing blank lines of the
 *   file collapse to that one), and the result ends with a line break.
 * - Inserted lines use the file's line break style, taken from its first line break (LF when
 *   there is none).
 *
 * Applying the same upsert twice gives the same text as applying it once.
 *
 * @throws ProfileNameError when the name is one some AWS SDK cannot read: empty, `__proto__`,
 *   or holding anything but ASCII letters, digits and `_ - @ + . % : /`.
 * @throws ProfileSettingError when a key is empty, repeated or has whitespace or one of
 *   `= : [ ] # ;`, or when a value has a line break.
 *
 * @example
 * const next = upsertProfile(await readConfigFile(path), 'prod', [
 *   ['credential_process', 'stscreds credentials --account 222222222222'],
 * ]);
 */
export function upsertProfile(
  text: string,
  name: string,
  settings: ReadonlyArray<readonly [string, string]>,
): string {
  validate(name, settings);
  const firstBreak = text.indexOf('\n');
  const eol = firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  const written: Line[] = settings.map(([key, value]) => ({
    text: value === '' ? `${key} =` : `${key} = ${value}`,
    eol,
  }));

  const lines = splitLines(text);
  const kinds = lines.map((line) => classify(line.text));
  const out: Line[] = [];
  let section: 'other' | 'target' | 'duplicate' = 'other';
  let found = false;
  let pending = false;

  lines.forEach((line, i) => {
    const kind = kinds[i];
    if (kind === 'header') {
      if (profileOf(line.text) !== name) {
        section = 'other';
        out.push(line);
      } else if (found) {
        section = 'duplicate';
      } else {
        found = true;
        section = 'target';
        out.push(line);
        const next = kinds.slice(i + 1).findIndex((k) => k === 'header' || k === 'setting');
        const hasSettings = next !== -1 && kinds[i + 1 + next] === 'setting';
        if (hasSettings) pending = true;
        else out.push(...written);
      }
      return;
    }
    if (section === 'target' && kind === 'setting') {
      if (pending) out.push(...written);
      pending = false;
      return;
    }
    if (section === 'duplicate' && kind !== 'comment') return;
    out.push(line);
  });

  if (!found) {
    while (out.length > 0 && classify(out[out.length - 1]?.text ?? '') === 'blank') out.pop();
    if (out.length > 0) out.push({ text: '', eol });
    out.push({ text: name === 'default' ? '[default]' : `[profile ${name}]`, eol }, ...written);
  }

  // Only the file's old last line can lack a terminator, and it needs one once lines follow it.
  return out.map((line, i) => line.text + (line.eol === '' && i < out.length - 1 ? eol : line.eol)).join('');
}
