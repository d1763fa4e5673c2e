import { CodedError } from '@lwm2m-adapters/errors';

/** Where in a definition a problem was found; every part is optional. */
export interface DefinitionLocation {
  /** File name or other label of the DDF document. */
  readonly source?: string | undefined;
  readonly objectId?: number | undefined;
  readonly resourceId?: number | undefined;
}

/** "3303.xml: Object 3303 resource 5700: " for the parts that are known. */
export function describeLocation(location: DefinitionLocation): string {
  const parts: string[] = [];
  if (location.source !== undefined && location.source !== '') parts.push(location.source);
  if (location.objectId !== undefined) {
    parts.push(
      location.resourceId === undefined
        ? `Object ${location.objectId}`
        : `Object ${location.objectId} resource ${location.resourceId}`,
    );
  } else if (location.resourceId !== undefined) {
    parts.push(`resource ${location.resourceId}`);
  }
  return parts.map((part) => `${part}: `).join('');
}

/** Problems can quote input (element names, values); longer ones are cut. */
const MAX_PROBLEM_LENGTH = 400;

/** A DEFINITION_INVALID error whose message starts with the location and whose details repeat it. */
export function definitionError(location: DefinitionLocation, problem: string, cause?: unknown): CodedError {
  const text = problem.length > MAX_PROBLEM_LENGTH ? `${problem.slice(0, MAX_PROBLEM_LENGTH)}...` : problem;
  const details: Record<string, unknown> = {};
  if (location.source !== undefined) details.source = location.source;
  if (location.objectId !== undefined) details.objectId = location.objectId;
  if (location.resourceId !== undefined) details.resourceId = location.resourceId;
  return new CodedError('DEFINITION_INVALID', `${describeLocation(location)}${text}`, {
    details,
    ...(cause === undefined ? {} : { cause }),
  });
}
