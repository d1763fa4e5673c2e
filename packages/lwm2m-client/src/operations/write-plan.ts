import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { WrittenValue } from '../objects/resource-declaration.js';
import type { ResourceSlot } from '../objects/resource-slot.js';

/** @internal one validated resource write. */
export interface PlannedWrite {
  readonly path: LwM2mPath;
  readonly value: WrittenValue;
  readonly slot: ResourceSlot;
  /** Reports the change to the tree's observers once written. */
  readonly changed: (path: LwM2mPath) => void;
}

/**
 * Writes that passed validation (path exists, writable, type and range) and can now be applied.
 * Plans from several trees (Write-Composite across end devices) are concatenated before any is
 * applied, so a request is validated as a whole first. Applying stops at the first handler error;
 * writes already made are not undone (a field device cannot roll back).
 */
export class WritePlan {
  readonly #writes: readonly PlannedWrite[];

  constructor(writes: readonly PlannedWrite[]) {
    this.#writes = writes;
  }

  static readonly EMPTY = new WritePlan([]);

  get paths(): readonly LwM2mPath[] {
    return this.#writes.map((w) => w.path);
  }

  get size(): number {
    return this.#writes.length;
  }

  concat(other: WritePlan): WritePlan {
    return new WritePlan([...this.#writes, ...other.#writes]);
  }

  async apply(): Promise<void> {
    for (const write of this.#writes) {
      const { slot, path, value } = write;
      if (slot.handlers === undefined) slot.stored = value;
      else await slot.handlers.write?.call(slot.handlers, value, { path });
      write.changed(path);
    }
  }
}
