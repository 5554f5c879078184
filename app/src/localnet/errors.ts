// Local chain failures a person can fix: a busy port, a missing build, a machine the runtime
// cannot load on.
import { UserError } from "../entry/user-error.js";

export class LocalnetError extends UserError {}
