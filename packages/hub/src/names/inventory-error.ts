/**
 * Codes of the inventory file's errors. They belong in @shoal/model's registry once the hub's
 * codes are gathered there; until then callers narrow on `code` the same way.
 */
export const InventoryErrorCodes = {
  /** The file does not follow the format of docs/hub.md, "Inventory"; `field` says where. */
  HUB_ERR_INVENTORY_INVALID: 'HUB_ERR_INVENTORY_INVALID',
  /** The file cannot be read (missing, permissions) or is not JSON. */
  HUB_ERR_INVENTORY_READ: 'HUB_ERR_INVENTORY_READ',
} as const;

export type InventoryErrorCode = (typeof InventoryErrorCodes)[keyof typeof InventoryErrorCodes];

export class InventoryError extends Error {
  readonly code: InventoryErrorCode;
  /** The offending field as a path ("pods[2].ip"), when the content is at fault. */
  readonly field: string | undefined;

  constructor(code: InventoryErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'InventoryError';
    this.code = code;
    this.field = options.field;
  }
}
