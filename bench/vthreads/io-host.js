// Host functions of the host-call round-trip benchmark (Runtime option hostModule).
export function echo(i) {
  return i;
}

export function resolved(i) {
  return Promise.resolve(i);
}
