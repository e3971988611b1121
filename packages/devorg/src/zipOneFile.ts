import { crc32 } from 'node:zlib';

/**
 * A zip archive holding one file, stored uncompressed: enough for moto to take as a
 * function's code, which it keeps but never runs.
 *
 * @example
 * const code = zipOneFile('index.js', 'exports.handler = async () => ({});');
 */
export function zipOneFile(name: string, content: string): Uint8Array {
  const file = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = crc32(file);
  // The local header and the central directory entry share one run of fields, at different offsets.
  const header = (signature: number, length: number, at: number): Buffer => {
    const buffer = Buffer.alloc(length);
    buffer.writeUInt32LE(signature, 0);
    buffer.writeUInt32LE(crc, at);
    buffer.writeUInt32LE(file.length, at + 4);
    buffer.writeUInt32LE(file.length, at + 8);
    buffer.writeUInt16LE(fileName.length, at + 12);
    return buffer;
  };
  const local = header(0x04034b50, 30, 14);
  local.writeUInt16LE(20, 4);
  const central = header(0x02014b50, 46, 16);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  const centralOffset = local.length + fileName.length + file.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return new Uint8Array(Buffer.concat([local, fileName, file, central, fileName, end]));
}
