/**
 * The shape of src/: data flows one way (io → model → solver → verify → report → commands →
 * cli), and no two modules import each other, even through others. Every import is
 * read with the TypeScript parser — static imports, `export … from`, type-only imports (a
 * cycle of types is still a cycle to read) and dynamic import('…') of relative paths.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Edge {
  /** Paths relative to the repository, e.g. `src/model/allocate.ts`. */
  readonly from: string;
  readonly to: string;
  /** Only types cross it (erased when compiled). */
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** The imports of one file that name another file of the repository (relative specifiers). */
function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    const to = relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      // `import type …`, or `import { type A, type B }` with nothing else: erased.
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      add(node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true); // `import('./x.js').T` in a type
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** Every cycle's files, one cycle per strongly connected component, each as a path that closes on itself. */
function cyclesOf(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strongConnect(v);
  // Name each component by one cycle through it: breadth-first from its first file back to itself.
  return components.map((component) => {
    const inside = new Set(component);
    const start = [...component].sort()[0]!;
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of next.get(v) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
          return [...path, start];
        }
        if (!cameFrom.has(w)) {
          cameFrom.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

const within = (file: string, ...areas: string[]) => areas.some((a) => (a.endsWith('.ts') ? file === a : file.startsWith(a + '/')));

/** The layer rules: what each folder may import. */
function layerViolations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  const refuse = (e: Edge, why: string) => out.push(`${e.from} imports ${e.to}${e.typeOnly ? ' (types)' : ''}: ${why}`);
  for (const e of edges) {
    if (within(e.from, 'src/io', 'src/model', 'src/solver', 'src/verify') && within(e.to, 'src/report', 'src/commands', 'src/cli.ts', 'src/pipeline', 'src/index.ts')) {
      refuse(e, 'io, model, solver and verify are below the reports, the commands, the pipeline and the CLI');
    }
    if (within(e.from, 'src/model') && within(e.to, 'src/solver') && !e.typeOnly) refuse(e, 'the model knows solver types only (a backend is handed to it)');
    if (within(e.from, 'src/solver') && within(e.to, 'src/model', 'src/io', 'src/verify', 'src/report')) refuse(e, 'the solver knows LPs, not policies, files or reports');
    if (within(e.from, 'src/verify') && within(e.to, 'src/model') && !e.typeOnly) refuse(e, 'the verifier shares no code with the model (types only)');
    if (within(e.from, 'src/report') && within(e.to, 'src/pipeline', 'src/commands', 'src/cli.ts', 'src/index.ts')) refuse(e, 'the reports are below the pipeline, the commands and the CLI');
    if (within(e.from, 'src/pipeline') && within(e.to, 'src/commands', 'src/cli.ts', 'src/index.ts')) refuse(e, 'the pipeline is below the commands, the CLI and the library face');
    if (within(e.from, 'src/index.ts') && within(e.to, 'src/commands', 'src/cli.ts')) refuse(e, 'the library is the pipeline, not the command line');
    if (within(e.from, 'src/io', 'src/model', 'src/solver', 'src/verify', 'src/report') && within(e.to, 'src/whatif')) refuse(e, 'the what-if page is above the layers it runs');
    if (within(e.from, 'src/whatif') && within(e.to, 'src/commands', 'src/cli.ts', 'src/index.ts')) refuse(e, 'the what-if page is below the commands, the CLI and the library face');
    // The page's browser code (all of src/whatif but page.ts, which writes the page) runs no file code: of the pipeline, only its core.
    if (within(e.from, 'src/whatif') && e.from !== 'src/whatif/page.ts' && !e.typeOnly && within(e.to, 'src/pipeline') && e.to !== 'src/pipeline/verified.ts') {
      refuse(e, "the what-if page's browser code takes only the pipeline's core (pipeline/verified.ts), which touches no files");
    }
  }
  return out;
}

describe('the architecture of src/', () => {
  const edges = sourceFiles('src').flatMap(importsOf);

  it('reads the imports (a sanity check of the reader)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ from: 'src/cli.ts', to: 'src/errors.ts', typeOnly: false });
    expect(edges.some((e) => e.from.startsWith('src/model/') && e.to.startsWith('src/solver/') && e.typeOnly)).toBe(true);
  });

  it('has no import cycle (type-only imports included)', () => {
    expect(cyclesOf(edges).map((c) => c.join(' → '))).toEqual([]);
  });

  it('imports only downwards: io, model, solver, verify below the reports, commands and CLI; the model and the verifier know solver and model types only', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('names a cycle and a layer breach when there is one', () => {
    const e = (from: string, to: string, typeOnly = false): Edge => ({ from, to, typeOnly });
    const cyclic = [e('src/a.ts', 'src/b.ts'), e('src/b.ts', 'src/c.ts', true), e('src/c.ts', 'src/a.ts'), e('src/c.ts', 'src/d.ts'), e('src/d.ts', 'src/d.ts')];
    expect(cyclesOf(cyclic).map((c) => c.join(' → ')).sort()).toEqual(['src/a.ts → src/b.ts → src/c.ts → src/a.ts', 'src/d.ts → src/d.ts']);
    expect(layerViolations([e('src/model/x.ts', 'src/solver/select.ts'), e('src/model/x.ts', 'src/solver/types.ts', true), e('src/solver/y.ts', 'src/model/types.ts', true)])).toEqual([
      'src/model/x.ts imports src/solver/select.ts: the model knows solver types only (a backend is handed to it)',
      'src/solver/y.ts imports src/model/types.ts (types): the solver knows LPs, not policies, files or reports',
    ]);
  });
});
