// The JavaScript SDK's INI parser (@smithy/core's parseIni) reads `[profile NAME]` only when
// NAME is made of these characters (or is quoted, which would change the name); any other
// header leaves the profile invisible to it. botocore and the other SDKs read all of them.
const SDK_READABLE = /^[\w\-@+.%:/]+$/;

// The JavaScript SDK throws on these section names, and then drops the whole file: every
// profile in it vanishes for Node.js.
const REFUSED_BY_SDK = new Set(['__proto__']);

/**
 * Why a name cannot name a profile (or a `[services …]` section) that every AWS SDK can read,
 * or undefined when it can.
 *
 * @example
 * profileNameProblem('my prod'); // "it may hold only …"
 * profileNameProblem('myprod');  // undefined
 */
export function profileNameProblem(name: string): string | undefined {
  if (name === '') return 'it must not be empty';
  if (REFUSED_BY_SDK.has(name)) {
    return 'the JavaScript SDK refuses a config file with a section of that name, dropping every profile in it';
  }
  if (!SDK_READABLE.test(name)) {
    return "it may hold only ASCII letters, digits and _ - @ + . % : / (no whitespace, '[', ']', '#', ';', '=', quotes or other characters), or the JavaScript SDK cannot read it";
  }
  return undefined;
}
