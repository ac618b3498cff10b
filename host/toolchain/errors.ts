// Placeholder until helper-1 writes the real one.
export class BuildError extends Error {
  constructor(message: string, public readonly diagnostics?: string) {
    super(message);
    this.name = "BuildError";
  }
}
