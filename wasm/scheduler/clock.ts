// Time, from the host: milliseconds on a clock every worker shares (performance.timeOrigin + performance.now()).

// @ts-ignore: decorator
@external("vthreads", "now")
export declare function now(): f64;
