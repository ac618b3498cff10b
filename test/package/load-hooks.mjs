// Module loader hooks (module.register) that append the URL of every module Node loads to the file named by
// VTHREADS_LOADED_LOG: the module graph a program really loads, dynamic imports and node: built-ins included.
import { appendFileSync } from "node:fs";

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.VTHREADS_LOADED_LOG, url + "\n");
  return nextLoad(url, context);
}
