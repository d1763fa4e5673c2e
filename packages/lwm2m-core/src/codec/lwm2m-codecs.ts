import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, PathNode, TimestampedPathNode } from '../model/node.js';
import type { LwM2mPath } from '../model/path.js';
import type { ObjectModel } from '../registry/object-definition.js';
import type { DecodeContext, DecodeLimits, EncodeContext, MultiNodeCodec, NodeCodec } from './codec-types.js';
import { ContentFormat, type ContentFormatNumber, toContentFormatNumber } from './content-format.js';
import { Lwm2mCborCodec } from './lwm2m-cbor/lwm2m-cbor-codec.js';
import { Lwm2mJsonCodec } from './lwm2m-json/lwm2m-json-codec.js';
import { OpaqueCodec } from './opaque/opaque-codec.js';
import { SenmlCborCodec } from './senml/senml-cbor-codec.js';
import { SenmlJsonCodec } from './senml/senml-json-codec.js';
import { TextCodec } from './text/text-codec.js';
import { TlvCodec } from './tlv/tlv-codec.js';

export interface LwM2mCodecsOptions {
  readonly limits?: Partial<DecodeLimits>;
  /** Format used for multi-value reads when the request names no Accept. Default SenML CBOR. */
  readonly defaultMultiValueFormat?: ContentFormatNumber;
}

function isMultiNodeCodec(codec: NodeCodec): codec is MultiNodeCodec {
  return 'decodeNodes' in codec;
}

/**
 * Every content format an LwM2M 1.1 client or server needs, bound to one object model:
 * picks the codec for a Content-Format/Accept number, negotiates a default, and keeps
 * decoder limits in one place.
 */
export class LwM2mCodecs {
  readonly #codecs: ReadonlyMap<number, NodeCodec>;
  readonly #encodeContext: EncodeContext;
  readonly #decodeContext: DecodeContext;
  readonly #defaultMultiValueFormat: ContentFormatNumber;

  constructor(model: ObjectModel, options: LwM2mCodecsOptions = {}) {
    const codecs: NodeCodec[] = [
      new TextCodec(),
      new OpaqueCodec(),
      new TlvCodec(),
      new SenmlJsonCodec(),
      new SenmlCborCodec(),
      new Lwm2mCborCodec(),
      new Lwm2mJsonCodec(),
    ];
    this.#codecs = new Map(codecs.map((c) => [c.contentFormat, c]));
    this.#encodeContext = { model };
    this.#decodeContext = options.limits === undefined ? { model } : { model, limits: options.limits };
    this.#defaultMultiValueFormat = options.defaultMultiValueFormat ?? ContentFormat.SENML_CBOR;
  }

  /** Content formats this instance can decode. */
  get decodableFormats(): readonly ContentFormatNumber[] {
    return [...this.#codecs.keys()] as ContentFormatNumber[];
  }

  /** Content formats this instance can encode (LwM2M JSON is decode-only). */
  get encodableFormats(): readonly ContentFormatNumber[] {
    return this.decodableFormats.filter((f) => f !== ContentFormat.LWM2M_JSON);
  }

  codec(format: number | string): NodeCodec {
    const number = toContentFormatNumber(format);
    const codec = number === undefined ? undefined : this.#codecs.get(number);
    if (codec === undefined) {
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `content format ${format} is not supported`, {
        details: { format, supported: this.decodableFormats },
      });
    }
    return codec;
  }

  multiNodeCodec(format: number | string): MultiNodeCodec {
    const codec = this.codec(format);
    if (!isMultiNodeCodec(codec)) {
      throw new CodedError(
        'CODEC_UNSUPPORTED_FORMAT',
        `content format ${format} cannot carry several paths (use SenML JSON 110, SenML CBOR 112 or LwM2M CBOR 11544)`,
      );
    }
    return codec;
  }

  /**
   * The format to answer a Read with: the Accept option when given (4.06 if it cannot carry the
   * node), otherwise text/opaque for a single value and the default multi-value format else.
   */
  negotiate(node: LwM2mNode, accept?: number | string): ContentFormatNumber {
    if (accept !== undefined) {
      const number = toContentFormatNumber(accept);
      const codec = number === undefined ? undefined : this.#codecs.get(number);
      if (
        number === undefined ||
        codec === undefined ||
        number === ContentFormat.LWM2M_JSON ||
        !codec.canEncode(node)
      ) {
        throw new CodedError('CODEC_NOT_ACCEPTABLE', `cannot answer in content format ${accept}`, {
          details: { accept, node: node.kind },
        });
      }
      return number;
    }
    if (node.kind === 'resource' || node.kind === 'resource-instance') {
      return node.value.type === 'opaque' ? ContentFormat.OPAQUE : ContentFormat.TEXT;
    }
    return this.#defaultMultiValueFormat;
  }

  encode(node: LwM2mNode, path: LwM2mPath, format: number | string): Uint8Array {
    const codec = this.codec(format);
    if (!codec.canEncode(node)) {
      throw new CodedError(
        'CODEC_NOT_ACCEPTABLE',
        `content format ${format} cannot carry a ${node.kind} node`,
        {
          details: { format, node: node.kind, path: path.toString() },
        },
      );
    }
    return codec.encode(node, path, this.#encodeContext);
  }

  decode(payload: Uint8Array, path: LwM2mPath, format: number | string): LwM2mNode {
    return this.codec(format).decode(payload, path, this.#decodeContext);
  }

  encodeNodes(nodes: readonly PathNode[], format: number | string): Uint8Array {
    return this.multiNodeCodec(format).encodeNodes(nodes, this.#encodeContext);
  }

  decodeNodes(
    payload: Uint8Array,
    paths: readonly LwM2mPath[] | undefined,
    format: number | string,
  ): PathNode[] {
    return this.multiNodeCodec(format).decodeNodes(payload, paths, this.#decodeContext);
  }

  encodeTimestampedNodes(nodes: readonly TimestampedPathNode[], format: number | string): Uint8Array {
    return this.multiNodeCodec(format).encodeTimestampedNodes(nodes, this.#encodeContext);
  }

  decodeTimestampedNodes(payload: Uint8Array, format: number | string): TimestampedPathNode[] {
    return this.multiNodeCodec(format).decodeTimestampedNodes(payload, this.#decodeContext);
  }

  encodePaths(paths: readonly LwM2mPath[], format: number | string): Uint8Array {
    return this.multiNodeCodec(format).encodePaths(paths);
  }

  decodePaths(payload: Uint8Array, format: number | string): LwM2mPath[] {
    return this.multiNodeCodec(format).decodePaths(payload, this.#decodeContext.limits);
  }
}
