export { compileFilter } from './compile.js';
export type { CompiledFilter, EvalFailure } from './compile.js';
export { FUNCTIONS, PROTOCOLS, VARIABLES, VARIABLE_NAMES } from './catalog.js';
export type { VariableSpec } from './catalog.js';
export { scanAliases } from './aliases.js';
export type { AliasRewrite, ScanResult } from './aliases.js';
export { FilterError, FilterErrorCodes, isFilterError } from './errors.js';
export type { FilterErrorCode, TextPosition } from './errors.js';
