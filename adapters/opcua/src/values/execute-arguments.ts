import { CodedError } from '@lwm2m-adapters/errors';
import type { RawScalar } from '@lwm2m-adapters/sdk';
import type { OpcuaDataType } from '../config/point-schema.js';
import { scalarProblem } from './write-validation.js';

/**
 * LwM2M Execute arguments (Core TS 1.1 §5.4.5: `0='a',1='2'`) as the host hands them to
 * `session.execute`. The grammar is the one lwm2m-client's parser checks before the host sees the
 * request; an adapter may import only the SDK, errors and kit, so this reads the already-valid
 * text again, strictly.
 */
export interface ExecuteArgument {
  readonly id: number;
  readonly value: string | undefined;
}

function invalid(message: string): CodedError {
  return new CodedError('WRITE_VALUE_INVALID', message);
}

export function parseExecuteArgumentText(text: string | undefined): ExecuteArgument[] {
  if (text === undefined || text.length === 0) return [];
  const args: ExecuteArgument[] = [];
  const re = /(\d)(?:='([^']*)')?(,|$)/y;
  let offset = 0;
  while (offset < text.length) {
    re.lastIndex = offset;
    const m = re.exec(text);
    if (m === null)
      throw invalid(`execute arguments "${text}": expected <digit>[='<text>'] at offset ${offset}`);
    const id = Number(m[1]);
    if (args.some((a) => a.id === id)) throw invalid(`execute argument ${id} appears twice`);
    args.push({ id, value: m[2] });
    offset = re.lastIndex;
    if (m[3] === ',' && offset === text.length) throw invalid(`execute arguments "${text}" end with ","`);
  }
  return args;
}

/** A method's declared input argument, as far as conversion needs it. */
export interface DeclaredInput {
  readonly name: string;
  readonly type: OpcuaDataType | undefined;
  readonly dataTypeText: string;
  readonly array: boolean;
}

/** The text of one argument as a raw scalar of the declared type, or the reason it is not one. */
export function argumentValue(type: OpcuaDataType, text: string): RawScalar | string {
  let value: RawScalar;
  switch (type) {
    case 'Boolean':
      if (text === 'true' || text === '1') value = true;
      else if (text === 'false' || text === '0') value = false;
      else return `"${text}" is not a Boolean (true, false, 1 or 0)`;
      break;
    case 'Float':
    case 'Double': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) return `"${text}" is not a number`;
      value = n;
      break;
    }
    case 'String':
      value = text;
      break;
    case 'DateTime': {
      const d = new Date(text);
      if (Number.isNaN(d.getTime())) return `"${text}" is not a date (ISO 8601, e.g. 2024-01-02T03:04:05Z)`;
      value = d;
      break;
    }
    case 'ByteString':
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) return `"${text}" is not hex bytes`;
      value = Uint8Array.from(text.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
      break;
    default:
      if (!/^-?\d+$/.test(text)) return `"${text}" is not an integer`;
      value = BigInt(text);
  }
  const problem = scalarProblem(type, value);
  return problem ?? value;
}

/**
 * Execute arguments → one raw scalar per declared input argument, by index (argument i is input
 * i); a wrong count, a missing value, an undeclarable type or a value that does not fit →
 * WRITE_VALUE_INVALID (4.00), before anything is sent.
 */
export function methodArguments(
  text: string | undefined,
  inputs: readonly DeclaredInput[],
  method: string,
): { readonly type: OpcuaDataType; readonly value: RawScalar }[] {
  const args = parseExecuteArgumentText(text);
  const signature = inputs.map((i) => `${i.name}: ${i.type ?? i.dataTypeText}`).join(', ');
  if (args.length !== inputs.length)
    throw invalid(`${method}(${signature}) takes ${inputs.length} argument(s), got ${args.length}`);
  return inputs.map((input, index) => {
    const arg = args.find((a) => a.id === index);
    if (arg === undefined)
      throw invalid(`${method}(${signature}): argument ${index} (${input.name}) is missing`);
    if (arg.value === undefined)
      throw invalid(`${method}: argument ${index} (${input.name}) needs a value, e.g. ${index}='...'`);
    if (input.type === undefined || input.array)
      throw invalid(
        `${method}: argument ${index} (${input.name}) has DataType ${input.dataTypeText}${input.array ? ' (array)' : ''}, which an execute argument cannot carry`,
      );
    const value = argumentValue(input.type, arg.value);
    if (typeof value === 'string' && input.type !== 'String')
      throw invalid(`${method}: argument ${index} (${input.name}, ${input.type}): ${value}`);
    return { type: input.type, value };
  });
}
