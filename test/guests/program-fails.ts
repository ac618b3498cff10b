// Guest of test/runtime/program.test.ts: top-level code that fails. Runtime.start must reject with its message and
// location, on any number of workers (the workers that wait for top-level code must not hang).
class Config {
  constructor(public name: string) {}
}

function load(): Config {
  const name = "";
  if (name.length == 0) throw new Error("the configuration is missing a name");
  return new Config(name);
}

const config = load();

export function configName(): string {
  return config.name;
}
