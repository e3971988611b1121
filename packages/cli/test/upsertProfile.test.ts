import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProfileNameError, ProfileSettingError, upsertProfile } from '../src/config/upsertProfile.ts';

const CMD = 'stscreds credentials --account 222222222222 --role admin';
const SETTINGS = [
  ['credential_process', CMD],
  ['region', 'eu-west-1'],
] as const;
const WRITTEN = `credential_process = ${CMD}\nregion = eu-west-1\n`;

const DEFAULT_PART = `# AWS config for the team
; edited by hand as well

[default]
region = eu-west-1
output = json

`;
const X_PART = `[profile x]
# x is the sandbox
region = us-east-1
s3 =
  addressing_style = path
  max_concurrent_requests = 20
; keep x short

`;
const SERVICES_PART = `[services dev]
lambda =
  endpoint_url = http://localhost:4566
sts =
  endpoint_url = http://localhost:4566

`;
const SSO_PART = `[sso-session s]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

`;
const MYPROD_PART = `[ profile  myprod ]
services = dev
region = eu-central-1
`;
const CONFIG = DEFAULT_PART + X_PART + SERVICES_PART + SSO_PART + MYPROD_PART;

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

describe('upsertProfile: a new profile', () => {
  it('appends the section after exactly one blank line', () => {
    expect(upsertProfile(CONFIG, 'new', SETTINGS)).toBe(`${CONFIG}\n[profile new]\n${WRITTEN}`);
  });

  it('writes the settings in the order given, an empty value as `key =`', () => {
    const result = upsertProfile('', 'p', [
      ['z', '1'],
      ['a', ''],
      ['m', 'x = y # not a comment'],
    ]);
    expect(result).toBe('[profile p]\nz = 1\na =\nm = x = y # not a comment\n');
  });

  it('writes only the header when there are no settings', () => {
    expect(upsertProfile('', 'p', [])).toBe('[profile p]\n');
  });

  it('turns an empty file into just the section', () => {
    expect(upsertProfile('', 'new', SETTINGS)).toBe(`[profile new]\n${WRITTEN}`);
  });

  it('writes [default], not [profile default], for the default profile', () => {
    expect(upsertProfile('', 'default', SETTINGS)).toBe(`[default]\n${WRITTEN}`);
    expect(upsertProfile('[profile a]\nregion = x\n', 'default', SETTINGS)).toBe(
      `[profile a]\nregion = x\n\n[default]\n${WRITTEN}`,
    );
  });

  it('ends a file without a trailing newline before appending', () => {
    expect(upsertProfile('[profile a]\nregion = x', 'b', SETTINGS)).toBe(
      `[profile a]\nregion = x\n\n[profile b]\n${WRITTEN}`,
    );
    expect(upsertProfile('# only a comment', 'b', SETTINGS)).toBe(
      `# only a comment\n\n[profile b]\n${WRITTEN}`,
    );
  });

  it('collapses trailing blank lines to one', () => {
    expect(upsertProfile('[profile a]\nregion = x\n\n  \n\t\n\n', 'b', SETTINGS)).toBe(
      `[profile a]\nregion = x\n\n[profile b]\n${WRITTEN}`,
    );
    expect(upsertProfile('\n\n', 'b', SETTINGS)).toBe(`[profile b]\n${WRITTEN}`);
  });

  it('does not mistake [services NAME], [sso-session NAME] or a bare [NAME] for the profile', () => {
    for (const name of ['dev', 's', 'services', 'sso-session']) {
      expect(upsertProfile(CONFIG, name, SETTINGS)).toBe(`${CONFIG}\n[profile ${name}]\n${WRITTEN}`);
    }
    const bare = '[prod]\nregion = x\n';
    expect(upsertProfile(bare, 'prod', SETTINGS)).toBe(`${bare}\n[profile prod]\n${WRITTEN}`);
  });

  it('matches the name case-sensitively', () => {
    expect(upsertProfile(CONFIG, 'X', SETTINGS)).toBe(`${CONFIG}\n[profile X]\n${WRITTEN}`);
    expect(upsertProfile(CONFIG, 'MyProd', SETTINGS)).toBe(`${CONFIG}\n[profile MyProd]\n${WRITTEN}`);
    expect(upsertProfile('[Default]\na = 1\n', 'default', SETTINGS)).toBe(
      `[Default]\na = 1\n\n[default]\n${WRITTEN}`,
    );
    expect(upsertProfile('[Profile x]\na = 1\n', 'x', SETTINGS)).toBe(
      `[Profile x]\na = 1\n\n[profile x]\n${WRITTEN}`,
    );
  });
});

describe('upsertProfile: an existing profile', () => {
  it('replaces the settings, keeps its comments and blank lines, and leaves the rest byte for byte', () => {
    const result = upsertProfile(CONFIG, 'x', SETTINGS);
    const x = `[profile x]
# x is the sandbox
${WRITTEN}; keep x short

`;
    expect(result).toBe(DEFAULT_PART + x + SERVICES_PART + SSO_PART + MYPROD_PART);
    expect(result.startsWith(DEFAULT_PART)).toBe(true);
    expect(result.endsWith(SERVICES_PART + SSO_PART + MYPROD_PART)).toBe(true);
  });

  it('drops indented continuation lines of the old settings', () => {
    const result = upsertProfile(CONFIG, 'x', SETTINGS);
    expect(result).not.toContain('addressing_style');
    expect(result).not.toContain('max_concurrent_requests');
    // The nested lines of other sections are untouched.
    expect(result.match(/ {2}endpoint_url = http:\/\/localhost:4566\n/g)).toHaveLength(2);
  });

  it('updates [default]', () => {
    const result = upsertProfile(CONFIG, 'default', [['credential_process', CMD]]);
    expect(result).toBe(
      CONFIG.replace('region = eu-west-1\noutput = json\n', `credential_process = ${CMD}\n`),
    );
    expect(result.startsWith(`# AWS config for the team\n; edited by hand as well\n\n[default]\n`)).toBe(
      true,
    );
    expect(result.endsWith(X_PART + SERVICES_PART + SSO_PART + MYPROD_PART)).toBe(true);
  });

  it('recognises an existing [profile default] and keeps its header', () => {
    const text = '[profile default]\nregion = x\n\n[profile a]\nregion = y\n';
    expect(upsertProfile(text, 'default', SETTINGS)).toBe(
      `[profile default]\n${WRITTEN}\n[profile a]\nregion = y\n`,
    );
  });

  it('tolerates spacing inside the brackets and around the header, keeping the header as written', () => {
    expect(upsertProfile(CONFIG, 'myprod', SETTINGS)).toBe(
      `${DEFAULT_PART + X_PART + SERVICES_PART + SSO_PART}[ profile  myprod ]\n${WRITTEN}`,
    );
    const text = '  [\tprofile\tp\t]  \nregion = x\n';
    expect(upsertProfile(text, 'p', SETTINGS)).toBe(`  [\tprofile\tp\t]  \n${WRITTEN}`);
    expect(upsertProfile('[ default ]\nregion = x\n', 'default', SETTINGS)).toBe(`[ default ]\n${WRITTEN}`);
  });

  it('recognises a header followed by a comment', () => {
    const text = '[profile x] # the sandbox\nregion = x\n';
    expect(upsertProfile(text, 'x', SETTINGS)).toBe(`[profile x] # the sandbox\n${WRITTEN}`);
  });

  it('writes the settings where the first old one was, keeping interleaved comments in place', () => {
    const text = '[profile x]\n# before\n\na = 1\n; between\nb = 2\n  c = 3\n# after\n\n[profile y]\nd = 4\n';
    expect(upsertProfile(text, 'x', SETTINGS)).toBe(
      `[profile x]\n# before\n\n${WRITTEN}; between\n# after\n\n[profile y]\nd = 4\n`,
    );
  });

  it('writes the settings straight after the header of a section with none', () => {
    expect(upsertProfile('[profile x]\n# empty for now\n\n[profile y]\n', 'x', SETTINGS)).toBe(
      `[profile x]\n${WRITTEN}# empty for now\n\n[profile y]\n`,
    );
    expect(upsertProfile('[profile x]', 'x', SETTINGS)).toBe(`[profile x]\n${WRITTEN}`);
    expect(upsertProfile('a = 1\n[profile x]\n[profile y]\n', 'x', SETTINGS)).toBe(
      `a = 1\n[profile x]\n${WRITTEN}[profile y]\n`,
    );
  });

  it('drops indented lines directly after the header as settings too', () => {
    expect(upsertProfile('[profile x]\n  region = x\n', 'x', SETTINGS)).toBe(`[profile x]\n${WRITTEN}`);
  });

  it('ends the section at any bracketed line, even one it cannot parse', () => {
    const text = '[profile x]\na = 1\n[weird] header\nb = 2\n';
    expect(upsertProfile(text, 'x', SETTINGS)).toBe(`[profile x]\n${WRITTEN}[weird] header\nb = 2\n`);
  });

  it('gives the last section a trailing newline when its last setting had none', () => {
    expect(upsertProfile('[profile a]\nregion = x', 'a', SETTINGS)).toBe(`[profile a]\n${WRITTEN}`);
  });

  it('leaves a final comment without a newline as it was', () => {
    expect(upsertProfile('[profile a]\nregion = x\n# end', 'a', SETTINGS)).toBe(
      `[profile a]\n${WRITTEN}# end`,
    );
    expect(upsertProfile('[profile a]\nregion = x\n\n[b]\nc = 1', 'a', SETTINGS)).toBe(
      `[profile a]\n${WRITTEN}\n[b]\nc = 1`,
    );
  });

  it('keeps settings before the first section', () => {
    const text = 'stray = 1\n\n[profile a]\nregion = x\n';
    expect(upsertProfile(text, 'a', SETTINGS)).toBe(`stray = 1\n\n[profile a]\n${WRITTEN}`);
  });

  it('finds a header on a first line that starts with a byte order mark', () => {
    const text = '\uFEFF[default]\nregion = x\n';
    expect(upsertProfile(text, 'default', SETTINGS)).toBe(`\uFEFF[default]\n${WRITTEN}`);
  });
});

describe('upsertProfile: duplicate sections', () => {
  it('updates the first and drops later ones, keeping their comments', () => {
    const text = `[profile x]
a = 1

[profile y]
b = 2

[profile x]
# second x
c = 3
  nested = 4

# about z
[profile z]
d = 5

[profile x]
e = 6
`;
    expect(upsertProfile(text, 'x', SETTINGS)).toBe(`[profile x]
${WRITTEN}
[profile y]
b = 2

# second x
# about z
[profile z]
d = 5

`);
  });

  it('treats [default] and [profile default] as one profile', () => {
    const text = '[default]\na = 1\n\n[profile default]\nb = 2\n\n[profile y]\nc = 3\n';
    expect(upsertProfile(text, 'default', SETTINGS)).toBe(`[default]\n${WRITTEN}\n[profile y]\nc = 3\n`);
  });
});

describe('upsertProfile: line endings', () => {
  it('keeps CRLF and writes new lines with CRLF', () => {
    const text = crlf(CONFIG);
    const updated = upsertProfile(text, 'x', SETTINGS);
    expect(updated).toBe(crlf(upsertProfile(CONFIG, 'x', SETTINGS)));
    const appended = upsertProfile(text, 'new', SETTINGS);
    expect(appended).toBe(crlf(`${CONFIG}\n[profile new]\n${WRITTEN}`));
    for (const result of [updated, appended]) expect(result.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('ends a CRLF file without a trailing newline with CRLF', () => {
    expect(upsertProfile('[profile a]\r\nregion = x', 'b', SETTINGS)).toBe(
      crlf(`[profile a]\nregion = x\n\n[profile b]\n${WRITTEN}`),
    );
  });

  it('follows the first line break of a mixed file and leaves the others alone', () => {
    const text = '# crlf\r\n[profile a]\nregion = x\n';
    expect(upsertProfile(text, 'a', [['k', 'v']])).toBe('# crlf\r\n[profile a]\nk = v\r\n');
    expect(upsertProfile('# lf\n[profile a]\r\nregion = x\r\n', 'a', [['k', 'v']])).toBe(
      '# lf\n[profile a]\r\nk = v\n',
    );
  });

  it('writes LF into a file with no line break', () => {
    expect(upsertProfile('# hi', 'a', [['k', 'v']])).toBe('# hi\n\n[profile a]\nk = v\n');
  });
});

describe('upsertProfile: idempotence', () => {
  const texts = {
    config: CONFIG,
    crlf: crlf(CONFIG),
    empty: '',
    noTrailingNewline: '[profile a]\nregion = x',
    trailingBlanks: '[profile a]\nregion = x\n\n\n',
    duplicates: '[profile x]\na = 1\n\n[profile x]\nb = 2\n# c\n\n[default]\n[profile default]\n',
    commentLast: '[profile x]\na = 1\n# end',
    headerOnly: '[profile x]',
  };
  const names = ['x', 'default', 'myprod', 'new', 'a'];
  const settingsCases: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [SETTINGS, [], [['k', '']]];

  it('gives the same text when applied twice', () => {
    for (const text of Object.values(texts)) {
      for (const name of names) {
        for (const settings of settingsCases) {
          const once = upsertProfile(text, name, settings);
          expect(upsertProfile(once, name, settings)).toBe(once);
        }
      }
    }
  });

  it('holds for generated files', () => {
    fc.assert(
      fc.property(fileArb, nameArb, settingsArb, (text, name, settings) => {
        const once = upsertProfile(text, name, settings);
        expect(upsertProfile(once, name, settings)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves other profiles as a later upsert of them would find them', () => {
    const both = upsertProfile(upsertProfile(CONFIG, 'a', [['k', '1']]), 'x', [['k', '2']]);
    expect(upsertProfile(both, 'a', [['k', '1']])).toBe(both);
    expect(upsertProfile(both, 'x', [['k', '2']])).toBe(both);
  });
});

// A generated file: lines drawn from what real config files hold, with either line ending.
const X_HEADERS = ['[profile x]', '[ profile  x ]', '[profile x] # sandbox'] as const;
const OTHER_LINES = [
  '[profile y]',
  '[default]',
  '[profile default]',
  '[services x]',
  '[sso-session x]',
  '[x]',
  '[weird',
  'region = eu-west-1',
  's3 =',
  '  addressing_style = path',
  '\tendpoint_url = http://localhost',
  '# comment',
  '  ; indented comment',
  '',
  '   ',
] as const;
const lineArb = fc.constantFrom(...X_HEADERS, ...OTHER_LINES);
const otherLinesArb = fc.array(fc.constantFrom(...OTHER_LINES), { maxLength: 10 });
const eolArb = fc.constantFrom('\n', '\r\n');
const join = (lines: readonly string[], eol: string, finalBreak: boolean) =>
  lines.join(eol) + (finalBreak && lines.length > 0 ? eol : '');
const fileArb = fc
  .tuple(fc.array(lineArb, { maxLength: 20 }), eolArb, fc.boolean())
  .map(([lines, eol, finalBreak]) => join(lines, eol, finalBreak));
const nameArb = fc.constantFrom('x', 'y', 'default', 'z');
const settingsArb = fc.uniqueArray(
  fc.tuple(fc.constantFrom('credential_process', 'region', 'output', 'k'), fc.constantFrom('', 'v', 'a = b')),
  { maxLength: 3, selector: ([key]) => key },
);

describe('upsertProfile: preservation of everything else', () => {
  it('changes only the body of the section when the profile appears once', () => {
    const arb = fc.record({
      before: otherLinesArb,
      header: fc.constantFrom(...X_HEADERS),
      body: otherLinesArb.map((lines) => lines.filter((line) => !line.startsWith('['))),
      after: otherLinesArb,
      eol: eolArb,
      finalBreak: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, settingsArb, ({ before, header, body, after, eol, finalBreak }, settings) => {
        const next = after.findIndex((line) => line.startsWith('['));
        const section = next === -1 ? [...body, ...after] : [...body, ...after.slice(0, next)];
        const rest = next === -1 ? [] : after.slice(next);
        const text = join([...before, header, ...section, ...rest], eol, finalBreak);
        const result = upsertProfile(text, 'x', settings);

        // A file without a line break has no style to follow.
        const style = text.includes('\n') ? eol : '\n';
        const head = [...before, header].join(style);
        expect(result.startsWith(head)).toBe(true);
        const tail = rest.length === 0 ? '' : eol + join(rest, eol, finalBreak);
        expect(result.endsWith(tail)).toBe(true);
        // Each line of the section follows a line break; at the end of the file, trailing empty
        // lines cannot be told apart from a final line break, so they are not compared.
        const parts = result.slice(head.length, result.length - tail.length).split(style);
        expect(parts[0]).toBe('');
        const trimEnd = (lines: readonly string[]) => {
          const trimmed = [...lines];
          while (tail === '' && trimmed.at(-1) === '') trimmed.pop();
          return trimmed;
        };
        const middleLines = parts.slice(1);
        const isSetting = (line: string) => line.trim() !== '' && !/^\s*[#;]/.test(line);
        // Comments and blank lines stay in order; the settings are exactly the new ones, together.
        expect(trimEnd(middleLines.filter((line) => !isSetting(line)))).toEqual(
          trimEnd(section.filter((line) => !isSetting(line))),
        );
        const written = settings.map(([k, v]) => (v === '' ? `${k} =` : `${k} = ${v}`));
        const first = middleLines.findIndex(isSetting);
        expect(middleLines.filter(isSetting)).toEqual(written);
        if (written.length > 0) expect(middleLines.slice(first, first + written.length)).toEqual(written);
      }),
      { numRuns: 500 },
    );
  });

  it('only appends when the profile is missing', () => {
    fc.assert(
      fc.property(otherLinesArb, eolArb, fc.boolean(), settingsArb, (lines, eol, finalBreak, settings) => {
        const text = join(lines, eol, finalBreak);
        const result = upsertProfile(text, 'z', settings);
        // A file without a line break has no style to follow.
        const style = text.includes('\n') ? eol : '\n';
        const last = lines.findLastIndex((line) => line.trim() !== '');
        const kept = lines.slice(0, last + 1).join(eol);
        const section = ['[profile z]', ...settings.map(([k, v]) => (v === '' ? `${k} =` : `${k} = ${v}`))];
        expect(result).toBe((kept === '' ? '' : kept + style + style) + section.join(style) + style);
      }),
      { numRuns: 500 },
    );
  });
});

describe('upsertProfile: invalid input', () => {
  it.each([
    ['', /must not be empty/],
    [' ', /whitespace/],
    ['my prod', /whitespace/],
    ['a\tb', /whitespace/],
    ['a\nb', /whitespace/],
    ['a\r\nb', /whitespace/],
    ['a[b', /'\['/],
    ['a]', /'\]'/],
    ['a#b', /'#'/],
    ['a;b', /';'/],
  ])('rejects the profile name %j', (name, message) => {
    expect(() => upsertProfile(CONFIG, name, SETTINGS)).toThrow(ProfileNameError);
    expect(() => upsertProfile(CONFIG, name, SETTINGS)).toThrow(message);
  });

  it('names the bad profile in the message', () => {
    expect(() => upsertProfile('', 'my prod', [])).toThrow('Invalid profile name "my prod"');
  });

  it.each([
    ['a\nb', 'v'],
    ['a\rb', 'v'],
    ['', 'v'],
    ['a b', 'v'],
    ['a=b', 'v'],
    ['a:b', 'v'],
    ['[a', 'v'],
    ['#a', 'v'],
    [';a', 'v'],
    ['k', 'line\nbreak'],
    ['k', 'line\r\nbreak'],
    ['k', 'carriage\rreturn'],
  ])('rejects the setting %j = %j', (key, value) => {
    expect(() => upsertProfile(CONFIG, 'x', [[key, value]])).toThrow(ProfileSettingError);
  });

  it('rejects a repeated key', () => {
    expect(() =>
      upsertProfile('', 'x', [
        ['region', 'a'],
        ['region', 'b'],
      ]),
    ).toThrow('Setting region is given more than once');
  });

  it('throws errors that are Errors and say which class they are', () => {
    try {
      upsertProfile('', 'a]', []);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(ProfileNameError);
      expect((error as Error).name).toBe('ProfileNameError');
    }
  });
});
