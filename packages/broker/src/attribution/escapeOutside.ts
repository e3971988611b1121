/**
 * Writes every character of `text` that `literal` does not accept as `=HH` for each byte of
 * its UTF-8 form, as quoted-printable does. `=` itself is never literal, so the result can be
 * decoded back to `text`: the escape is injective.
 *
 * @example
 * escapeOutside('a,b', /[a-z]/); // 'a=2Cb'
 */
export function escapeOutside(text: string, literal: RegExp): string {
  let out = '';
  for (const char of text) {
    if (char !== '=' && literal.test(char)) {
      out += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8'))
        out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}
