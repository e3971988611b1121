import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type InvokableFunction,
  type LambdaInvokeServer,
  MAX_INVOKE_PAYLOAD_BYTES,
  serveLambdaInvoke,
} from '../src/serveLambdaInvoke.ts';
import { rawPost } from './support/rawHttp.ts';

let server: LambdaInvokeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const serve = async (handler: InvokableFunction) => {
  server = await serveLambdaInvoke({
    functionName: 'getSTScreds',
    region: 'us-west-2',
    accountId: '111111111111',
    handler,
  });
  const client = new LambdaClient({
    endpoint: server.endpoint,
    region: 'us-west-2',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' },
    maxAttempts: 1,
  });
  return { server, client };
};

const INVOKE_PATH = '/2015-03-31/functions/getSTScreds/invocations';
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('serveLambdaInvoke', () => {
  it('hands the parsed payload and a Lambda context to the function, and its result back', async () => {
    const seen: unknown[] = [];
    const { client } = await serve(async (event, context) => {
      seen.push(event, context.functionName, context.invokedFunctionArn, typeof context.awsRequestId);
      return { echoed: event };
    });
    const output = await client.send(
      new InvokeCommand({ FunctionName: 'getSTScreds', Payload: encode('{"a":[1,2]}') }),
    );
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    expect(JSON.parse(decode(output.Payload))).toEqual({ echoed: { a: [1, 2] } });
    expect(seen).toEqual([
      { a: [1, 2] },
      'getSTScreds',
      'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
      'string',
    ]);
  });

  it('accepts the function ARN and $LATEST, and passes an empty payload as {}', async () => {
    const { client, server } = await serve(async (event) => event);
    for (const name of [server.functionArn, 'getSTScreds:$LATEST', `${server.functionArn}:$LATEST`]) {
      const output = await client.send(new InvokeCommand({ FunctionName: name }));
      expect(JSON.parse(decode(output.Payload))).toEqual({});
    }
  });

  it('answers ResourceNotFoundException for another function or version', async () => {
    const { client } = await serve(async () => ({}));
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'other', Payload: encode('{}') })),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'ResourceNotFoundException',
        $metadata: expect.objectContaining({ httpStatusCode: 404 }),
      }),
    );
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'getSTScreds', Qualifier: '7' })),
    ).rejects.toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
  });

  it('answers InvalidRequestContentException for a payload that is not JSON, without invoking', async () => {
    let invoked = false;
    const { client } = await serve(async () => {
      invoked = true;
      return {};
    });
    for (const payload of ['{accountId:', '\u0000', '[[[[', '{"a":1}{"b":2}', 'NaN']) {
      await expect(
        client.send(new InvokeCommand({ FunctionName: 'getSTScreds', Payload: encode(payload) })),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'InvalidRequestContentException',
          $metadata: expect.objectContaining({ httpStatusCode: 400 }),
        }),
      );
    }
    const notUtf8 = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'getSTScreds', Payload: notUtf8 })),
    ).rejects.toThrow(expect.objectContaining({ name: 'InvalidRequestContentException' }));
    expect(invoked).toBe(false);
  });

  it('takes a payload of exactly Lambda’s limit', async () => {
    const { client } = await serve(async (event) => (event as string).length);
    const output = await client.send(
      new InvokeCommand({
        FunctionName: 'getSTScreds',
        Payload: encode(`"${'x'.repeat(MAX_INVOKE_PAYLOAD_BYTES - 2)}"`),
      }),
    );
    expect(decode(output.Payload)).toBe(String(MAX_INVOKE_PAYLOAD_BYTES - 2));
  });

  it('answers RequestTooLargeException to a payload a byte past the limit, before reading it', async () => {
    const { server } = await serve(async () => ({}));
    const exchange = await rawPost(Number(new URL(server.endpoint).port), INVOKE_PATH, {
      bodyBytes: 0,
      declaredLength: MAX_INVOKE_PAYLOAD_BYTES + 1,
    });
    expect(exchange.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.head).toMatch(/\r\nx-amzn-errortype: RequestTooLargeException\r\n/i);
    expect(exchange.head).toMatch(/\r\nconnection: close\r\n/i);
    expect(server.invocations()).toBe(0);
  });

  it('stops reading a 32 MB payload at the limit, and hangs up', async () => {
    const { server } = await serve(async () => ({}));
    const bodyBytes = 32 * 1024 * 1024;
    for (const chunked of [false, true]) {
      const exchange = await rawPost(Number(new URL(server.endpoint).port), INVOKE_PATH, {
        bodyBytes,
        chunked,
      });
      // What the socket buffers hold on top of the 6 MB read is far less than the rest.
      expect(exchange.bodyBytesWritten).toBeLessThan(bodyBytes / 2);
      // A reset may beat the answer to the client; an answer, if it arrives, is the 413.
      expect(exchange.head ?? 'HTTP/1.1 413 (reset first)').toMatch(/^HTTP\/1\.1 413 /);
    }
    expect(server.invocations()).toBe(0);
  });

  it('reports an unhandled throw as a function error without its stack', async () => {
    const { client } = await serve(async () => {
      throw new RangeError('boom');
    });
    const output = await client.send(
      new InvokeCommand({ FunctionName: 'getSTScreds', Payload: encode('{}') }),
    );
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    expect(JSON.parse(decode(output.Payload))).toEqual({ errorType: 'RangeError', errorMessage: 'boom' });
  });

  it('supports DryRun and Event invocations', async () => {
    let invocations = 0;
    const { client } = await serve(async () => {
      invocations += 1;
      return {};
    });
    const dry = await client.send(
      new InvokeCommand({ FunctionName: 'getSTScreds', InvocationType: 'DryRun' }),
    );
    expect(dry.StatusCode).toBe(204);
    expect(invocations).toBe(0);
    const event = await client.send(
      new InvokeCommand({ FunctionName: 'getSTScreds', InvocationType: 'Event' }),
    );
    expect(event.StatusCode).toBe(202);
    await expect.poll(() => invocations).toBe(1);
  });

  it('answers 404 for paths that are not the Invoke API, and 405 for other methods', async () => {
    const { server } = await serve(async () => ({}));
    const other = await fetch(`${server.endpoint}/2015-03-31/functions`, { method: 'GET' });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ Type: 'User', Message: expect.any(String) });
    const get = await fetch(`${server.endpoint}/2015-03-31/functions/getSTScreds/invocations`);
    expect(get.status).toBe(405);
    const badName = await fetch(`${server.endpoint}/2015-03-31/functions/%E0%A4%A/invocations`, {
      method: 'POST',
    });
    expect(badName.status).toBe(400);
  });
});

describe('serveLambdaInvoke counts', () => {
  it('counts invocations, and nothing it refuses', async () => {
    const { client, server } = await serve(async () => ({}));
    await client.send(new InvokeCommand({ FunctionName: 'getSTScreds', Payload: encode('{}') }));
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'getSTScreds', Payload: encode('{') })),
    ).rejects.toThrow(expect.objectContaining({ name: 'InvalidRequestContentException' }));
    await client.send(new InvokeCommand({ FunctionName: 'getSTScreds', InvocationType: 'DryRun' }));
    expect(server.invocations()).toBe(1);
  });
});
