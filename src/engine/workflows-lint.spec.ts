import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The rule that keeps workflow definitions pure is part of the design: prove it bites. */
describe('workflows/ purity lint rule', () => {
  const probe = join(process.cwd(), 'workflows', '__lint-probe__.ts');

  afterAll(() => rmSync(probe, { force: true }));

  it('should refuse @nestjs, typeorm and bullmq imports in workflows/ and allow xstate', () => {
    writeFileSync(
      probe,
      [
        "import { Injectable } from '@nestjs/common';",
        "import { Repository } from 'typeorm';",
        "import { Queue } from 'bullmq';",
        "import { setup } from 'xstate';",
        'export const used = [Injectable, Repository, Queue, setup];',
        '',
      ].join('\n'),
    );
    const run = spawnSync(
      process.execPath,
      ['node_modules/eslint/bin/eslint.js', '-f', 'json', probe],
      {
        encoding: 'utf8',
      },
    );
    const [report] = JSON.parse(run.stdout) as Array<{
      messages: Array<{ ruleId: string; line: number }>;
    }>;
    const restricted = report.messages
      .filter((m) => m.ruleId === 'no-restricted-imports')
      .map((m) => m.line);
    expect(restricted).toEqual([1, 2, 3]);
  }, 60000);
});
