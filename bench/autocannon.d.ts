// The part of autocannon's API that bench/http-load.ts uses (the package ships no types, and
// @types/autocannon would be one more dependency for a bench).
declare module "autocannon" {
  interface Histogram {
    p50: number;
    p99: number;
    average: number;
  }
  interface Result {
    duration: number;
    requests: Histogram & { total: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    requests?: Array<
      AutocannonRequest & {
        /** Changes each request before it is sent (here: a different body each time). */
        setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
      }
    >;
    verifyBody?: (body: string) => boolean;
  }
  interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
