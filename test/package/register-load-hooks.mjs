// `node --import ./register-load-hooks.mjs`: installs load-hooks.mjs before the program's first import.
import { register } from "node:module";

register("./load-hooks.mjs", import.meta.url);
