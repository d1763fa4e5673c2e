/** What browsing found: one variable of the server, described enough to propose a point for it. */
import type { OpcuaDataType } from '../config/point-schema.js';

export interface BrowsedVariable {
  /** NodeId text (`ns=2;s=Boiler1.Temperature`). */
  readonly nodeId: string;
  /** Browse path from the starting node (`/2:Boiler1/2:Temperature`), for the comment. */
  readonly path: string;
  readonly browseName: string;
  /** The built-in type it carries, or undefined when the adapter has no mapping for it. */
  readonly type: OpcuaDataType | undefined;
  /** The server's DataType NodeId text, shown when `type` is undefined. */
  readonly dataTypeId: string;
  readonly array: boolean;
  readonly writable: boolean;
  /** EngineeringUnits display name (`°C`), when the variable has that property. */
  readonly units?: string | undefined;
}

export interface BrowsedMethod {
  readonly objectId: string;
  readonly methodId: string;
  readonly path: string;
  readonly inputCount: number;
}

export interface BrowseResult {
  readonly variables: readonly BrowsedVariable[];
  readonly methods: readonly BrowsedMethod[];
  /** Nodes not followed because the depth limit was reached. */
  readonly truncated: number;
}
