// The error every build step throws: a message that names the problem, and the compiler's diagnostics if any.
export class BuildError extends Error {
  constructor(message: string, public readonly diagnostics?: string) {
    super(message);
    this.name = "BuildError";
  }
}
