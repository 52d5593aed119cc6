/**
 * Apex parse check: parses every `.cls` and `.trigger` under force-app with @apexdevtools/apex-parser and
 * reports each syntax error as `✗ <file>:<line>:<col> <message>`. The last line is `N passed, N failed`
 * (one per file); the exit code is 1 when any file fails.
 *
 * This is a syntax check only. Whether the code compiles (types, fields, labels) needs an org.
 *
 * Usage: node --import tsx scripts/check/apex-syntax.ts [root]   (root defaults to <repo>/force-app)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';
import { DEFAULT_FORCE_APP, displayPath, listFiles, report, type CheckResult } from './report';

export interface ApexSyntaxError {
  line: number;
  column: number;
  message: string;
}

/** Keeps every error the lexer and parser report instead of printing them to the console. */
class CollectingErrorListener extends ApexErrorListener {
  readonly errors: ApexSyntaxError[] = [];

  apexSyntaxError(line: number, column: number, message: string): void {
    this.errors.push({ line, column, message });
  }
}

/** Parses one Apex source: a trigger through the trigger unit rule, anything else as a class. */
export function parseApex(source: string, kind: 'class' | 'trigger'): ApexSyntaxError[] {
  const listener = new CollectingErrorListener();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  if (kind === 'trigger') {
    parser.triggerUnit();
  } else {
    parser.compilationUnit();
  }
  return listener.errors;
}

/** Checks every Apex file under `root`. */
export function checkApexSyntax(root: string): CheckResult[] {
  const files = listFiles(root, (file) => file.endsWith('.cls') || file.endsWith('.trigger'));
  return files.map((file) => {
    const name = displayPath(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      return { name, problems: [`: cannot read file (${(error as Error).message})`] };
    }
    const errors = parseApex(source, file.endsWith('.trigger') ? 'trigger' : 'class');
    // Columns from ANTLR are 0-based; editors count from 1.
    return { name, problems: errors.map((e) => `:${e.line}:${e.column + 1} ${e.message}`) };
  });
}

function main(argv: string[]): number {
  const root = path.resolve(argv[0] ?? DEFAULT_FORCE_APP);
  return report(checkApexSyntax(root));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
