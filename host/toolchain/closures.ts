// The closure transform: capturing arrow functions in guest code, which AssemblyScript rejects ("AS100: Not
// implemented: Closures"). It runs after parsing (asc's `afterParse`), before any type is known, and rewrites every
// arrow function that reads a local, a parameter or `this` of an enclosing function:
//
//   g.spawn(() => fetchPage(url))
// becomes
//   g.spawn(__vt_closure_1(url, false ? (__vt_site: __vt_site_1) => fetchPage(url) : null))
// plus, at the end of the same file (simplified names),
//   class __vt_site_1 {}
//   class __vt_env_1<C0> extends Closure { constructor(public url: C0) { super(); } }
//   function __vt_closure_1<C0, R = void>(url: C0, __vt_phantom: ((s: __vt_site_1) => R) | null): (self: Closure) => R {
//     return __vt_closureOf<(self: Closure) => R>((__vt_e: Closure): R => {
//       if (!(__vt_e instanceof __vt_env_1<C0>)) __vt_closureMisuse();
//       const __vt_env = changetype<__vt_env_1<C0>>(__vt_e);
//       const url = __vt_env.url;
//       return fetchPage(url);                  // the user's own body node: its source ranges are unchanged
//     }, new __vt_env_1<C0>(url));
//   }
//
// Types come from the compiler, not from this transform: the captured values' types are inferred from the call's
// arguments, and the result type R from the "phantom" argument, the original arrow function in the dead branch of a
// constant `false ? ... : null`. The resolver infers R from it (an arrow function's expression body has a type in
// the caller's scope: see `patchResolver`), and the compiler never compiles it (a constant condition compiles only
// the taken branch). Its first parameter's type is a class of its own: see `lift`.
// The runtime side (the environment's layout, how the API functions take a closure) is in wasm/closure.ts.
//
// Semantics: values are captured when the closure is created (objects by reference). So that nothing is silently a
// stale copy, a captured variable must never be assigned after its declaration (Java's "effectively final"); the
// one exception is a `for` loop's own variable updated in the loop's incrementor, captured in the loop's body: each
// iteration's closure sees that iteration's value, as in JavaScript. Anything else is a compile error naming the
// variable, at the capture, with the assignment as the related location.

import {
  DiagnosticCode, Node, NodeKind, Parser, SourceKind, Token, TypeNode, ArrowKind, Resolver, Signature, isTypeOmitted,
  type ClassDeclaration, type FunctionDeclaration, type FunctionExpression, type Range, type Source,
} from "assemblyscript";

/** Marks a phantom's declaration (see `patchResolver`). */
const PHANTOM = Symbol("vthreads closure phantom");

/**
 * The resolver infers an arrow function's result type from its expression body, but it looks the body's names up
 * from the enclosing function's top scope (`Flow.createDefault`), so a phantom that reads a local of an inner
 * block (a loop body's `const url`) would not resolve. For phantoms only, resolve from the caller's own flow: the
 * same steps as `Resolver#resolveFunctionExpression` in assemblyscript 0.28, with `ctxFlow.fork()` as the scope.
 */
function patchResolver(): void {
  const proto = Resolver.prototype as any;
  if (proto.__vtPatched) return;
  const original = proto.resolveFunctionExpression;
  proto.resolveFunctionExpression = function (node: FunctionExpression, ctxFlow: any, ctxType: any, reportMode = 0) {
    const decl = node.declaration as any;
    if (!decl[PHANTOM]) return original.call(this, node, ctxFlow, ctxType, reportMode);
    const sig = decl.signature;
    const body = decl.body;
    const type = this.resolveType(sig, null, ctxFlow.sourceFunction, ctxFlow.contextualTypeArguments, reportMode);
    if (type && body && body.kind === NodeKind.Expression && isTypeOmitted(sig.returnType)) {
      const s = type.getSignature();
      const flow = ctxFlow.fork();
      sig.parameters.forEach((p: any, i: number) => flow.addScopedDummyLocal(p.name.text, s.parameterTypes[i], p));
      const result = this.resolveExpression(body.expression, flow, ctxType, reportMode);
      if (result) {
        type.signatureReference = Signature.create(this.program, s.parameterTypes, result, s.thisType,
          s.requiredParameters, s.hasRest);
      }
    }
    return type;
  };
  proto.__vtPatched = true;
}

const ASSIGNMENTS = new Set<number>([
  Token.Equals, Token.Plus_Equals, Token.Minus_Equals, Token.Asterisk_Equals, Token.Asterisk_Asterisk_Equals,
  Token.Slash_Equals, Token.Percent_Equals, Token.LessThan_LessThan_Equals, Token.GreaterThan_GreaterThan_Equals,
  Token.GreaterThan_GreaterThan_GreaterThan_Equals, Token.Ampersand_Equals, Token.Bar_Equals, Token.Caret_Equals,
]);
const INCREMENTS = new Set<number>([Token.Plus_Plus, Token.Minus_Minus]);

/** Properties that never hold expressions to walk: names being declared, property names, labels, types. */
const NOT_EXPRESSIONS = new Set([
  "range", "name", "property", "label", "names", "typeName", "decorators", "typeParameters", "typeArguments",
  "implementsTypes", "extendsType", "signature", "declaration", "internalPath", "path", "foreignName",
]);

const THIS_NAME = "__vt_this";

type FrameKind = "module" | "function" | "method" | "arrow";

interface Decl {
  name: string;
  frame: Frame;
  /** Functions and classes declared in a function are not values to capture. */
  capturable: boolean;
  assignments: { range: Range; inIncrementor: boolean }[];
  /** The `for` statement whose initializer declared it. */
  forStatement: Node | null;
}

interface Frame {
  kind: FrameKind;
  depth: number;
  parent: Frame | null;
  /** For methods: the class, for the type of a captured `this`. */
  classDecl: ClassDeclaration | null;
  /** Captured variables in order of first use, with that use. */
  captures: Map<string, { decl: Decl; at: Range }>;
  capturesThis: boolean;
  /** The arrow function's own range. */
  range: Range | null;
}

interface Scope {
  names: Map<string, Decl>;
  parent: Scope | null;
  frame: Frame;
}

interface Lifted {
  range: Range;
  captures: { decl: Decl; at: Range }[];
}

let counter = 0;

/** The asc transform object (`transforms: [closureTransform]`). */
export const closureTransform = {
  afterParse(parser: Parser): void {
    patchResolver();
    for (const source of [...parser.sources]) {
      if (source.sourceKind !== SourceKind.User && source.sourceKind !== SourceKind.UserEntry) continue;
      new SourceTransform(parser, source).run();
    }
  },
};

class SourceTransform {
  private readonly generated: Node[] = [];
  private readonly lifted: Lifted[] = [];

  constructor(private readonly parser: Parser, private readonly source: Source) {}

  run(): void {
    const module: Frame = newFrame("module", null, null, null);
    const scope: Scope = { names: new Map(), parent: null, frame: module };
    const statements = this.source.statements;
    for (let i = 0; i < statements.length; i++) statements[i] = this.walk(statements[i], scope) as never;
    for (const node of this.generated) statements.push(node as never);
    this.checkEffectivelyFinal();
  }

  /** Walks `node` in `scope`; returns its replacement (an arrow function that captures becomes a call). */
  private walk(node: Node, scope: Scope): Node {
    switch (node.kind) {
      case NodeKind.Identifier: {
        this.reference((node as any).text, node.range, scope);
        return node;
      }
      case NodeKind.This: {
        return this.referenceThis(node, scope);
      }
      case NodeKind.Function: {
        const decl = (node as FunctionExpression).declaration;
        if (decl.arrowKind === ArrowKind.None) {
          this.walkFunction(decl, scope, "function", null);
          return node;
        }
        const frame = this.walkFunction(decl, scope, "arrow", null);
        if (frame.captures.size === 0 && !frame.capturesThis) return node;
        return this.lift(node as FunctionExpression, frame);
      }
      case NodeKind.FunctionDeclaration: {
        const decl = node as FunctionDeclaration;
        if (scope.frame.kind !== "module") declare(scope, decl.name.text, false, null);
        this.walkFunction(decl, scope, "function", null);
        return node;
      }
      case NodeKind.ClassDeclaration: {
        const cls = node as ClassDeclaration;
        if (scope.frame.kind !== "module") declare(scope, cls.name.text, false, null);
        for (const member of cls.members) {
          if (member.kind === NodeKind.MethodDeclaration) {
            this.walkFunction(member as FunctionDeclaration, scope, "method", cls);
          } else if (member.kind === NodeKind.FieldDeclaration) {
            const init = (member as any).initializer as Node | null;
            if (init) {
              const frame = newFrame("method", scope.frame, cls, null);
              (member as any).initializer = this.walk(init, { names: new Map(), parent: scope, frame });
            }
          }
        }
        return node;
      }
      case NodeKind.NamespaceDeclaration: {
        const members = (node as any).members as Node[];
        for (let i = 0; i < members.length; i++) members[i] = this.walk(members[i], scope);
        return node;
      }
      case NodeKind.Block: {
        const inner: Scope = { names: new Map(), parent: scope, frame: scope.frame };
        const statements = (node as any).statements as Node[];
        for (let i = 0; i < statements.length; i++) statements[i] = this.walk(statements[i], inner);
        return node;
      }
      case NodeKind.For: {
        const f = node as any;
        const inner: Scope = { names: new Map(), parent: scope, frame: scope.frame };
        if (f.initializer) {
          f.initializer = this.walk(f.initializer, inner);
          if (f.initializer.kind === NodeKind.Variable) {
            for (const d of f.initializer.declarations) {
              const decl = inner.names.get(d.name.text);
              if (decl) decl.forStatement = node;
            }
          }
        }
        if (f.condition) f.condition = this.walk(f.condition, inner);
        if (f.incrementor) f.incrementor = this.walk(f.incrementor, inner);
        f.body = this.walk(f.body, inner);
        return node;
      }
      case NodeKind.VariableDeclaration: {
        const v = node as any;
        if (v.initializer) v.initializer = this.walk(v.initializer, scope);
        declare(scope, v.name.text, true, null);
        return node;
      }
      case NodeKind.Try: {
        const t = node as any;
        t.bodyStatements = this.walkList(t.bodyStatements, { names: new Map(), parent: scope, frame: scope.frame });
        if (t.catchStatements) {
          const inner: Scope = { names: new Map(), parent: scope, frame: scope.frame };
          if (t.catchVariable) declare(inner, t.catchVariable.text, true, null);
          t.catchStatements = this.walkList(t.catchStatements, inner);
        }
        if (t.finallyStatements) {
          t.finallyStatements = this.walkList(t.finallyStatements, { names: new Map(), parent: scope, frame: scope.frame });
        }
        return node;
      }
      case NodeKind.Binary: {
        const b = node as any;
        if (ASSIGNMENTS.has(b.operator)) this.assignment(b.left, scope);
        break;
      }
      case NodeKind.UnaryPrefix:
      case NodeKind.UnaryPostfix: {
        const u = node as any;
        if (INCREMENTS.has(u.operator)) this.assignment(u.operand, scope);
        break;
      }
      case NodeKind.Import:
      case NodeKind.Export:
      case NodeKind.ExportImport:
      case NodeKind.EnumDeclaration:
      case NodeKind.InterfaceDeclaration:
      case NodeKind.TypeDeclaration:
        return node;
    }
    // Everything else: walk the children that are expressions or statements.
    for (const key of Object.keys(node)) {
      // A switch case's `label` is its expression; elsewhere a label is a name.
      if (NOT_EXPRESSIONS.has(key) && !(key === "label" && node.kind === NodeKind.SwitchCase)) continue;
      const value = (node as any)[key];
      if (value instanceof Node && !(value instanceof TypeNode)) {
        (node as any)[key] = this.walk(value, scope);
      } else if (Array.isArray(value)) {
        (node as any)[key] = this.walkList(value, scope);
      }
    }
    return node;
  }

  private walkList(list: unknown[], scope: Scope): unknown[] {
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (v instanceof Node && !(v instanceof TypeNode)) list[i] = this.walk(v, scope);
    }
    return list;
  }

  private walkFunction(decl: FunctionDeclaration, scope: Scope, kind: FrameKind, cls: ClassDeclaration | null): Frame {
    const frame = newFrame(kind, scope.frame, cls, kind === "arrow" ? decl.range : null);
    const inner: Scope = { names: new Map(), parent: scope, frame };
    for (const p of decl.signature.parameters) {
      if (p.initializer) p.initializer = this.walk(p.initializer, inner) as never;
      declare(inner, p.name.text, true, null);
    }
    if (decl.body) decl.body = this.walk(decl.body, inner) as never;
    return frame;
  }

  /** A read of `name`: captured by every arrow function between here and the function that declares it. */
  private reference(name: string, at: Range, scope: Scope): void {
    const decl = lookup(scope, name);
    if (!decl || !decl.capturable || decl.frame.kind === "module") return;
    for (let f: Frame | null = scope.frame; f && f !== decl.frame; f = f.parent) {
      if (f.kind !== "arrow") return; // a nested function declaration: AssemblyScript reports it
    }
    for (let f: Frame | null = scope.frame; f && f !== decl.frame; f = f.parent) {
      if (!f.captures.has(name)) f.captures.set(name, { decl, at });
    }
  }

  /** `this` in an arrow function inside a method: captured as `__vt_this`. */
  private referenceThis(node: Node, scope: Scope): Node {
    if (scope.frame.kind !== "arrow") return node;
    let f: Frame | null = scope.frame;
    while (f && f.kind === "arrow") f = f.parent;
    if (!f || f.kind !== "method") return node; // not in a method: AssemblyScript reports it
    for (let a: Frame | null = scope.frame; a && a.kind === "arrow"; a = a.parent) a.capturesThis = true;
    return Node.createIdentifierExpression(THIS_NAME, node.range);
  }

  private assignment(target: Node, scope: Scope): void {
    if (target.kind !== NodeKind.Identifier) return;
    const decl = lookup(scope, (target as any).text);
    if (!decl) return;
    const inc = decl.forStatement ? (decl.forStatement as any).incrementor as Node | null : null;
    decl.assignments.push({ range: target.range, inIncrementor: !!inc && contains(inc.range, target.range) });
  }

  /** Replaces a capturing arrow function with a call that builds its closure; generates what the call needs. */
  private lift(expr: FunctionExpression, frame: Frame): Node {
    const decl = expr.declaration;
    const range = decl.range;
    const sig = decl.signature;
    if (sig.parameters.length > 0) {
      this.error(range, "an arrow function that captures variables cannot take parameters yet (vthreads closures " +
        "are `() => R`); pass the values in as captured variables instead");
      return expr;
    }
    const bodyIsExpression = decl.body!.kind === NodeKind.Expression;
    if (isOmitted(sig.returnType) && !bodyIsExpression) {
      if (returnsValue(decl.body!)) {
        this.error(range, "a capturing arrow function with a block body that returns a value needs its return " +
          "type written out, e.g. `(): i32 => { ... }`");
        return expr;
      }
      sig.returnType = parseType(this.parser, "void", range);
    }
    const captures = [...frame.captures.values()];
    this.lifted.push({ range, captures });

    const n = ++counter;
    const names = [...(frame.capturesThis ? [THIS_NAME] : []), ...captures.map((c) => c.decl.name)];
    const tps = names.map((_, i) => `__vt_C${i}`);
    const env = `__vt_env_${n}`;
    const envType = `${env}<${tps.join(", ")}>`;
    // The phantom's first parameter has a type of its own (one class per closure): AssemblyScript shares one
    // signature object among equal function types, and inferring through a shared `() => auto` picked up another
    // arrow function's result type (seen: a void closure typed `() => i32` after a `spawn(() => 7)` elsewhere).
    const site = `__vt_site_${n}`;
    sig.parameters.unshift(Node.createParameter(0 as never, Node.createIdentifierExpression("__vt_site", range),
      parseType(this.parser, site, range), null, range));
    let phantomParams = `__vt_site: ${site}`;
    if (frame.capturesThis) {
      phantomParams += `, ${THIS_NAME}: ${tps[0]}`;
      // The phantom is resolved where the closure is created: there, `__vt_this` is the enclosing class.
      const cls = enclosingClass(frame)!;
      const clsType = cls.name.text + (cls.typeParameters?.length ? `<${cls.typeParameters.map((t) => t.name.text).join(", ")}>` : "");
      sig.parameters.push(Node.createParameter(0 as never, Node.createIdentifierExpression(THIS_NAME, range),
        parseType(this.parser, clsType, range), null, range));
    }
    const text = [
      `class ${site} {}`,
      `class ${envType} extends Closure {`,
      `  constructor(${names.map((x, i) => `public ${x}: ${tps[i]}`).join(", ")}) { super(); }`,
      `}`,
      `function __vt_closure_${n}<${[...tps, "__vt_R = void"].join(", ")}>(${names.map((x, i) => `${x}: ${tps[i]}, `).join("")}` +
        `__vt_phantom: ((${phantomParams}) => __vt_R) | null): (self: Closure) => __vt_R {`,
      `  return __vt_closureOf<(self: Closure) => __vt_R>((__vt_e: Closure): __vt_R => {`,
      `    if (!(__vt_e instanceof ${envType})) __vt_closureMisuse();`,
      `    const __vt_env = changetype<${envType}>(__vt_e);`,
      ...names.map((x) => `    const ${x} = __vt_env.${x};`),
      `    __vt_body__;`,
      `  }, new ${envType}(${names.join(", ")}));`,
      `}`,
    ].join("\n");
    const statements = parseStatements(this.parser, text, range);
    const body: Node = bodyIsExpression
      ? (isVoid(sig.returnType)
        ? decl.body!
        : Node.createReturnStatement((decl.body as any).expression, decl.body!.range))
      : decl.body!;
    replaceIdentifierStatement(statements, "__vt_body__", body);
    this.generated.push(...statements);

    // The call that replaces the arrow function, with the arrow function as the phantom.
    const parentThis = frame.parent && frame.parent.kind === "arrow" ? THIS_NAME : "this";
    const args = [...(frame.capturesThis ? [parentThis] : []), ...captures.map((c) => c.decl.name), "false ? __vt_phantom__ : null"];
    const call = (parseStatements(this.parser, `__vt_closure_${n}(${args.join(", ")});`, range)[0] as any).expression as Node;
    replaceIdentifier(call, "__vt_phantom__", expr);
    (decl as any)[PHANTOM] = true;
    return call;
  }

  private checkEffectivelyFinal(): void {
    for (const closure of this.lifted) {
      for (const { decl, at } of closure.captures) {
        for (const a of decl.assignments) {
          const loopUpdate = a.inIncrementor && decl.forStatement && contains((decl.forStatement as any).body.range, closure.range);
          if (loopUpdate) continue;
          this.parser.errorRelated(DiagnosticCode.User_defined_0, at, a.range,
            `closure captures '${decl.name}', which is assigned after its declaration (at ${where(a.range)}). ` +
            `Closures capture values when they are created, so a captured variable must not change: copy it into ` +
            `a new const (const ${decl.name}2 = ${decl.name};) and capture that`);
          break;
        }
      }
    }
  }

  private error(range: Range, message: string): void {
    this.parser.error(DiagnosticCode.User_defined_0, range, message);
  }
}

function newFrame(kind: FrameKind, parent: Frame | null, cls: ClassDeclaration | null, range: Range | null): Frame {
  return { kind, depth: parent ? parent.depth + 1 : 0, parent, classDecl: cls, captures: new Map(), capturesThis: false, range };
}

function declare(scope: Scope, name: string, capturable: boolean, forStatement: Node | null): void {
  scope.names.set(name, { name, frame: scope.frame, capturable, assignments: [], forStatement });
}

function lookup(scope: Scope | null, name: string): Decl | null {
  for (let s = scope; s; s = s.parent) {
    const d = s.names.get(name);
    if (d) return d;
  }
  return null;
}

function enclosingClass(frame: Frame): ClassDeclaration | null {
  for (let f: Frame | null = frame; f; f = f.parent) if (f.kind === "method") return f.classDecl;
  return null;
}

/** file:line:column of a range's start. */
function where(range: Range): string {
  const source = range.source as any;
  return `${source.normalizedPath}:${source.lineAt(range.start)}:${source.columnAt()}`;
}

function contains(outer: Range, inner: Range): boolean {
  return outer.source === inner.source && outer.start <= inner.start && inner.end <= outer.end;
}

function isOmitted(type: TypeNode): boolean {
  return type.kind === NodeKind.NamedType && (type as any).name.identifier.text === "";
}

function isVoid(type: TypeNode): boolean {
  return type.kind === NodeKind.NamedType && (type as any).name.identifier.text === "void";
}

/** Whether a function body has a `return <value>` of its own (not in a nested function). */
function returnsValue(node: Node): boolean {
  if (node.kind === NodeKind.Return) return (node as any).value != null;
  if (node.kind === NodeKind.Function || node.kind === NodeKind.ClassDeclaration) return false;
  for (const key of Object.keys(node)) {
    if (key === "range") continue;
    const v = (node as any)[key];
    if (v instanceof Node && !(v instanceof TypeNode) && returnsValue(v)) return true;
    if (Array.isArray(v) && v.some((x) => x instanceof Node && !(x instanceof TypeNode) && returnsValue(x))) return true;
  }
  return false;
}

/** Parses generated code; every node gets `range`, the user's arrow function, so that errors point there. */
function parseStatements(parser: Parser, text: string, range: Range): Node[] {
  const p = new Parser();
  (p as any).options = (parser as any).options;
  p.parseFile(text, `~vt_closure_${counter}.ts`, false);
  const source = p.sources[0];
  if (!source || p.diagnostics.length) throw new Error(`vthreads closure transform: generated code does not parse:\n${text}`);
  setRanges(source.statements, range, new Set());
  return source.statements as Node[];
}

function parseType(parser: Parser, type: string, range: Range): TypeNode {
  const statement = parseStatements(parser, `let __vt_t: ${type};`, range)[0] as any;
  return statement.declarations[0].type as TypeNode;
}

function setRanges(value: unknown, range: Range, seen: Set<unknown>): void {
  if (Array.isArray(value)) {
    for (const v of value) setRanges(v, range, seen);
    return;
  }
  if (!(value instanceof Node) || seen.has(value)) return;
  seen.add(value);
  (value as any).range = range;
  for (const key of Object.keys(value)) if (key !== "range") setRanges((value as any)[key], range, seen);
}

function replaceIdentifierStatement(nodes: Node[], name: string, replacement: Node): void {
  replaceWhere(nodes, (n) => n.kind === NodeKind.Expression && isIdentifier((n as any).expression, name), replacement);
}

function replaceIdentifier(node: Node, name: string, replacement: Node): void {
  replaceWhere([node], (n) => isIdentifier(n, name), replacement);
}

function isIdentifier(n: Node, name: string): boolean {
  return n.kind === NodeKind.Identifier && (n as any).text === name;
}

function replaceWhere(value: unknown, match: (n: Node) => boolean, replacement: Node): boolean {
  if (!value || typeof value !== "object") return false;
  for (const key of Object.keys(value)) {
    if (key === "range") continue;
    const v = (value as any)[key];
    if (v instanceof Node && match(v)) {
      (value as any)[key] = replacement;
      return true;
    }
    if ((v instanceof Node || Array.isArray(v)) && replaceWhere(v, match, replacement)) return true;
  }
  return false;
}
