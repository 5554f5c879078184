// Defaults shared by migrations/deploy.ts and the stack.
export const DEFAULT_CONFIG_PATH = "migrations/config/localnet.json";
export const DEFAULT_RPC_URL = "http://127.0.0.1:8899";
