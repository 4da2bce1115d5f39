/** The part of a pino logger the name sources use; pino's Logger fits it. */
export interface NamesLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: NamesLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
