import type { Layer4 } from '@shoal/model';
import type { DissectorSpec } from './dissector.js';

/**
 * The dissectors a pipeline may choose from, in priority order (the first probe to claim a
 * stream wins unless another claimant's port hint matches the flow).
 */
export class DissectorRegistry {
  private readonly byLayer4 = new Map<Layer4, DissectorSpec[]>();
  private readonly named = new Map<string, DissectorSpec>();

  constructor(specs: readonly DissectorSpec[]) {
    for (const spec of specs) {
      if (this.named.has(spec.name)) throw new Error(`dissector '${spec.name}' registered twice`);
      this.named.set(spec.name, spec);
      for (const layer4 of typeof spec.layer4 === 'string' ? [spec.layer4] : spec.layer4) {
        const list = this.byLayer4.get(layer4) ?? [];
        list.push(spec);
        this.byLayer4.set(layer4, list);
      }
    }
  }

  forLayer4(layer4: Layer4): readonly DissectorSpec[] {
    return this.byLayer4.get(layer4) ?? [];
  }

  byName(name: string): DissectorSpec | undefined {
    return this.named.get(name);
  }

  get names(): string[] {
    return [...this.named.keys()];
  }

  /** Every `protocol.name` an entry of these dissectors may have (names and what they carry). */
  get entryNames(): string[] {
    return [...new Set([...this.named.values()].flatMap((spec) => [spec.name, ...(spec.carries ?? [])]))];
  }
}

/** Picks among several claimants: one whose port hints name either port, else the first. */
export function breakTie(claimants: readonly DissectorSpec[], portA: number, portB: number): DissectorSpec {
  for (const spec of claimants) {
    if (spec.ports.includes(portA) || spec.ports.includes(portB)) return spec;
  }
  return claimants[0]!;
}
