/** Bytes of out-of-order data held, per flow direction and across all flows. */
export interface ReassemblyLimits {
  /** Out-of-order bytes one direction may hold before a gap is declared. */
  perDirectionBytes: number;
  /** Out-of-order bytes all flows together may hold. */
  globalBytes: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  perDirectionBytes: 4 * 1024 * 1024,
  globalBytes: 256 * 1024 * 1024,
};

/** The global account shared by every direction of every flow. */
export class ReassemblyBudget {
  held = 0;
  constructor(readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {}
}
