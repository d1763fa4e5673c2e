#!/usr/bin/env node
/**
 * lwm2m-inspect: look inside LwM2M payloads and object definitions.
 *
 *   lwm2m-inspect demo                                   encode a sample in every format and decode it back
 *   lwm2m-inspect decode --format tlv --path /3303/0 HEX decode a payload (HEX, @file or - for stdin)
 *   lwm2m-inspect objects [ID[@VERSION]]                 list the registry or show one object
 *
 * --ddf FILE (repeatable) adds custom object definitions (OMA DDF XML).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isCodedError } from '@lwm2m-adapters/errors';
import { z } from 'zod';
import { ContentFormat, type ContentFormatNumber, toContentFormatNumber } from '../codec/content-format.js';
import { decodeLinks } from '../codec/link/link-format.js';
import { LwM2mCodecs } from '../codec/lwm2m-codecs.js';
import { nodesEqual } from '../model/node.js';
import { nodeToJson } from '../model/node-json.js';
import { LwM2mPath } from '../model/path.js';
import { ObjectRegistry } from '../registry/object-registry.js';
import { demoSamples } from './demo-samples.js';

const formatAliases: Readonly<Record<string, ContentFormatNumber>> = {
  text: ContentFormat.TEXT,
  opaque: ContentFormat.OPAQUE,
  link: ContentFormat.LINK,
  tlv: ContentFormat.TLV,
  'senml-json': ContentFormat.SENML_JSON,
  'senml-cbor': ContentFormat.SENML_CBOR,
  'lwm2m-json': ContentFormat.LWM2M_JSON,
  'lwm2m-cbor': ContentFormat.LWM2M_CBOR,
};

const formatFlag = z.string().transform((text, ctx) => {
  const number = formatAliases[text] ?? toContentFormatNumber(/^\d+$/.test(text) ? Number(text) : text);
  if (number === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown format "${text}"; use one of ${Object.keys(formatAliases).join(', ')} or a number (0, 42, 110, 112, 11542, 11543, 11544)`,
    });
    return z.NEVER;
  }
  return number;
});

const pathFlag = z.string().transform((text, ctx) => {
  try {
    return LwM2mPath.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
});

const decodeFlags = z.object({
  format: formatFlag,
  path: pathFlag,
  payload: z.string().min(1, 'give the payload as HEX, @file or - (stdin)'),
});

const objectSelector = z
  .string()
  .regex(/^\d{1,5}(@\d+\.\d+)?$/, 'give an object id, optionally with @version (e.g. 3303 or 3303@1.0)');

class UsageError extends Error {}

async function readPayload(spec: string): Promise<Uint8Array> {
  if (spec === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
  if (spec.startsWith('@')) return new Uint8Array(await readFile(spec.slice(1)));
  const hex = spec.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new UsageError('payload is not an even-length hex string');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

function validated<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return result.data;
}

function runDemo(registry: ObjectRegistry): void {
  const codecs = new LwM2mCodecs(registry);
  for (const sample of demoSamples) {
    console.log(`\n${sample.title}  (${sample.path})`);
    for (const format of codecs.encodableFormats) {
      const codec = codecs.codec(format);
      if (!codec.canEncode(sample.node)) continue;
      const bytes = codecs.encode(sample.node, sample.path, format);
      const back = codecs.decode(bytes, sample.path, format);
      const ok = nodesEqual(sample.node, back) ? 'round-trip ok' : 'ROUND-TRIP MISMATCH';
      const shown =
        format === ContentFormat.SENML_JSON || format === ContentFormat.TEXT
          ? Buffer.from(bytes).toString('utf8')
          : Buffer.from(bytes).toString('hex');
      console.log(`  ${String(format).padStart(5)}  ${String(bytes.length).padStart(4)} B  ${ok}  ${shown}`);
    }
  }
  console.log(`\nregistry: ${registry.list().length} object definitions loaded`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', short: 'f' },
      path: { type: 'string', short: 'p' },
      ddf: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'help', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(
      'usage:\n  lwm2m-inspect demo\n  lwm2m-inspect decode --format <tlv|senml-json|senml-cbor|lwm2m-cbor|lwm2m-json|text|opaque|NUMBER> --path </o/i/r> <HEX|@file|->\n  lwm2m-inspect objects [ID[@VERSION]]\noptions:\n  --ddf FILE   add custom object definitions from an OMA DDF XML file (repeatable)',
    );
    return 0;
  }
  const registry = ObjectRegistry.withOmaObjects();
  for (const file of values.ddf ?? []) registry.addDdf(await readFile(file, 'utf8'), file);

  switch (command) {
    case 'demo':
      runDemo(registry);
      return 0;
    case 'decode': {
      const flags = validated(decodeFlags, { format: values.format, path: values.path, payload: rest[0] });
      const payload = await readPayload(flags.payload);
      if (flags.format === ContentFormat.LINK) {
        print(decodeLinks(payload).map((l) => ({ uri: l.uri, attributes: l.attributes })));
        return 0;
      }
      const codecs = new LwM2mCodecs(registry);
      print(nodeToJson(codecs.decode(payload, flags.path, flags.format)));
      return 0;
    }
    case 'objects': {
      if (rest[0] === undefined) {
        for (const o of registry.list()) console.log(`${String(o.id).padStart(5)}  v${o.version}  ${o.name}`);
        return 0;
      }
      const [id, version] = validated(objectSelector, rest[0]).split('@');
      const object = registry.requireObject(Number(id), version);
      print({
        ...object,
        resources: object.resources.map(({ description: _d, ...r }) => r),
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (try: demo, decode, objects, help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      console.error(`lwm2m-inspect: ${err.message}`);
      process.exitCode = 2;
    } else if (isCodedError(err)) {
      console.error(`lwm2m-inspect: ${err.code}: ${err.message}`);
      process.exitCode = 1;
    } else {
      console.error(err);
      process.exitCode = 70;
    }
  },
);
