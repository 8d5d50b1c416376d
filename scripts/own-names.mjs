// The property names terser may mangle in the classic script, worked out from the source, so that
// renaming one can never touch a browser's or a caller's property:
// - candidates: the members of interfaces whose doc comment carries `@shimOwn` (the shim's own
//   records: no browser object, no public API, nothing another copy of the shim reads);
// - minus every name declared anywhere else: any interface, type or class member of the
//   TypeScript libraries (DOM, ES: the page's names) or of src/ outside those interfaces (public API, what explain
//   reads from another copy's snapshot, the shapes of stats entries), and every identifier-like
//   string literal in src/ (names used as keys: `in` checks, descriptors, stats names);
// - and every read of a candidate must resolve, by the type checker, to a `@shimOwn` declaration:
//   a read from anything else (an `any`, a browser object, a foreign shape) fails the build.
// Terser itself also skips every DOM name it knows (`builtins: false`).
// `node scripts/own-names.mjs` prints the names, and those left unmangled because shared.
import ts from 'typescript';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TAG = 'shimOwn';

function srcFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? srcFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const tagged = (node) => ts.getJSDocTags(node).some((t) => t.tagName.text === TAG);
const memberName = (m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : null);
const MEMBER_KINDS = new Set([
  ts.SyntaxKind.PropertySignature, ts.SyntaxKind.MethodSignature, ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.GetAccessorDeclaration, ts.SyntaxKind.SetAccessorDeclaration,
]);

/**
 * Computes the names for the project at `root` (its tsconfig.json and src/); throws where a
 * candidate is read from something not the shim's own.
 */
export function ownNames(root = ROOT) {
  const SRC = join(root, 'src');
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram(srcFiles(SRC), config.options);
  const checker = program.getTypeChecker();
  const candidates = new Set();
  const elsewhere = new Set();
  /** Member declarations inside @shimOwn interfaces. */
  const ownDecls = new Set();
  for (const sf of program.getSourceFiles()) {
    const ours = sf.fileName.startsWith(SRC);
    const visit = (node) => {
      // Members of interfaces, type literals and classes; not an object literal's own (a value).
      if (MEMBER_KINDS.has(node.kind) && !ts.isObjectLiteralExpression(node.parent)) {
        const name = memberName(node);
        const own = ours && ts.isInterfaceDeclaration(node.parent) && tagged(node.parent);
        if (name) (own ? candidates : elsewhere).add(name);
        if (own) ownDecls.add(node);
      } else if (ours && ts.isStringLiteralLike(node) && !ts.isLiteralTypeNode(node.parent) && /^[A-Za-z_$][\w$]*$/.test(node.text)) {
        elsewhere.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    // The page's names: TypeScript's libraries (DOM, ES), not the Node types the harness uses.
    if (ours || (sf.isDeclarationFile && /[\\/]typescript[\\/]lib[\\/]lib\.[^\\/]*\.d\.ts$/.test(sf.fileName))) visit(sf);
  }
  const names = [...candidates].filter((n) => !elsewhere.has(n)).sort();
  const kept = [...candidates].filter((n) => elsewhere.has(n)).sort();
  const mangled = new Set(names);
  const problems = [];
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(SRC)) continue;
    const check = (node) => {
      let nameNode = null;
      if (ts.isPropertyAccessExpression(node)) nameNode = node.name;
      else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) nameNode = node.argumentExpression;
      if (nameNode && mangled.has(nameNode.text)) {
        const symbol = checker.getSymbolAtLocation(nameNode);
        const decls = (symbol && symbol.declarations) || [];
        if (!decls.length || !decls.every((d) => ownDecls.has(d))) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
          problems.push(`${sf.fileName.slice(root.length + 1)}:${line + 1}: .${nameNode.text} is read from something not @${TAG} (${checker.typeToString(checker.getTypeAtLocation(node.expression))})`);
        }
      }
      ts.forEachChild(node, check);
    };
    check(sf);
  }
  if (problems.length) throw new Error('property names terser would mangle:\n' + problems.join('\n'));
  return { names, kept };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { names, kept } = ownNames();
  console.log(`mangled (${names.length}): ${names.join(' ')}`);
  console.log(`kept, shared with a browser, public or foreign name (${kept.length}): ${kept.join(' ')}`);
}
