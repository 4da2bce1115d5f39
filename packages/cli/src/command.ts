/** What a command module exports (main.ts loads it when the command is run). */
export interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}
