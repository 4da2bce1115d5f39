/**
 * The statement text behind each prepared statement or portal name of a connection, so that an
 * Execute's entry shows the text its Parse carried (§55.2.3: a statement lives until closed or
 * replaced, the unnamed one until the next Parse; a portal until the transaction ends, the
 * unnamed one until the next Bind). Most clients use the unnamed ones: they are a field, not a
 * map entry replaced at every statement. Named ones are bounded: past MAX_NAMED the oldest is
 * forgotten (its later executions then show no text).
 */

const MAX_NAMED = 256;

export class NamedTexts {
  private unnamed: string | null = null;
  private readonly named = new Map<string, string>();

  get(name: string): string | null {
    return name === '' ? this.unnamed : (this.named.get(name) ?? null);
  }

  set(name: string, text: string): void {
    if (name === '') {
      this.unnamed = text;
      return;
    }
    this.named.delete(name);
    this.named.set(name, text);
    if (this.named.size > MAX_NAMED) this.named.delete(this.named.keys().next().value!);
  }

  delete(name: string): void {
    if (name === '') this.unnamed = null;
    else this.named.delete(name);
  }
}
