/**
 * Set up for every integration test file: everything the test process writes to stdout or
 * stderr (the broker's logs, the local organization's, anything printed) is watched, and
 * the file fails if any of it carries what looks like a secret: a session token, a secret
 * key in a credential document or a config file, or a SigV4 signature.
 */
import { afterAll, expect } from 'vitest';

const SECRET_SHAPES: readonly [string, RegExp][] = [
  // Session tokens from STS (and moto) begin with these encodings of their version header.
  ['a session token', /(?:FQoGZXIvYXdzE|FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj)[A-Za-z0-9/+=]{16,}/],
  ['a secret key in a credential document', /"(?:SecretAccessKey|secretAccessKey)"\s*:\s*"[^"*\]]{16,}"/],
  ['a secret key in a config file', /aws_secret_access_key\s*=\s*\S{16,}/],
  ['a SigV4 signature', /Signature=[0-9a-f]{64}/],
];

const written: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk),
    );
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

afterAll(() => {
  const text = written.join('');
  for (const [what, shape] of SECRET_SHAPES) {
    // The message names what leaked and never repeats it.
    expect(shape.test(text), `the test output carries ${what}`).toBe(false);
  }
});
