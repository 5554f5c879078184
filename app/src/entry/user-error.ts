// Errors meant for the person at the terminal (a busy port, a missing build, a bad config
// field): entry points print the message alone, without a stack, and exit 1.
export class UserError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}
