import { ErrorCodes as ApiErrorCodes } from '@shoal/model';
import { jsonApi } from '@shoal/model/http';

/**
 * The worker API's errors: `{error: {code, message}}` with a WRK_ERR_* code from the model's
 * registry (docs/errors.md, docs/api.md). Filter errors keep their FLT_ERR_* code.
 */
export { ApiErrorCodes };
export { ApiError, sendJson } from '@shoal/model/http';

/** Largest request body accepted (a resolution table of a big cluster fits comfortably). */
export const MAX_BODY_BYTES = 32 << 20;

export const { sendError, fail, refuseUpgrade, readJson, timeParam, countParam, compiledParam } = jsonApi({
  realm: 'shoal-worker',
  maxBodyBytes: MAX_BODY_BYTES,
  tooLargeCode: ApiErrorCodes.WRK_ERR_TOO_LARGE,
  badRequestCode: ApiErrorCodes.WRK_ERR_BAD_REQUEST,
  internalCode: ApiErrorCodes.WRK_ERR_INTERNAL,
  service: 'worker',
});
