import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseApex } from './apex-syntax';
import { copyForceApp, runCheck } from './check-test-helpers';

const TIMEOUT = 120_000;

describe('parseApex', () => {
  it('accepts a class and a trigger', () => {
    expect(parseApex('public with sharing class A { public static Integer one() { return 1; } }', 'class')).toEqual([]);
    expect(parseApex('trigger T on Account (after insert) { System.debug(1); }', 'trigger')).toEqual([]);
  });

  it('reports the line of a syntax error', () => {
    const errors = parseApex('public class A {\n  void f() {\n    Integer x = 1\n  }\n}', 'class');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.line).toBe(4);
  });

  it('parses a trigger with the trigger rule, not as a class', () => {
    expect(parseApex('trigger T on Account (after insert) {}', 'class').length).toBeGreaterThan(0);
  });
});

describe('scripts/check/apex-syntax.ts', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it(
    'passes on the real tree',
    () => {
      const run = runCheck('apex-syntax.ts');
      expect(run.stdout).not.toContain('✗');
      expect(run.lastLine).toMatch(/^\d+ passed, 0 failed$/);
      expect(run.status).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'fails and names the file with a syntax error',
    () => {
      const copy = copyForceApp();
      cleanup = copy.cleanup;
      const broken = path.join(copy.root, 'main', 'default', 'classes', 'AudienceCommandController.cls');
      writeFileSync(broken, readFileSync(broken, 'utf8').replace('return event.EventUuid;', 'return event.EventUuid'));

      const run = runCheck('apex-syntax.ts', copy.root);

      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/✗ \S*AudienceCommandController\.cls:\d+:\d+ /);
      expect(run.lastLine).toMatch(/^\d+ passed, 1 failed$/);
    },
    TIMEOUT,
  );
});
