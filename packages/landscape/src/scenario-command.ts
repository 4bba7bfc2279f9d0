/** `seedbed scenario run|list`. */
import { Command, Option } from 'commander';
import { PROVIDER_NAMES, selectProvider } from '@seedbed/cluster';
import { consoleProgress, onInterrupt } from '@seedbed/core';
import { ProgressView } from './report/progress-view.ts';
import { readinessTable } from './report/scenario-report.ts';
import { loadScenario, scenarioNames } from './scenario/registry.ts';
import { DEFAULT_REPORT_DIR, runScenario } from './scenario/runner.ts';

export function scenarioCommand(): Command {
  const command = new Command('scenario').description('run scripted landscapes that assert how far each shoot gets');
  command
    .command('run')
    .description('run scenarios by name (see `seedbed scenario list`); exits non-zero when an expectation fails')
    .argument('<names...>', 'scenario names')
    .addOption(new Option('-p, --provider <name>', 'cluster provider for the garden/seed cluster (default: $SEEDBED_PROVIDER, else the first available of local, kind)').choices(PROVIDER_NAMES))
    .option('--report-dir <dir>', 'where JSON and JUnit XML reports go', DEFAULT_REPORT_DIR)
    .action(async (names: string[], options: { provider?: string; reportDir: string }) => {
      const progress = consoleProgress();
      const controller = new AbortController();
      const uninstall = onInterrupt(controller, (m) => progress.info(m));
      const provider = await selectProvider(options.provider);
      let failed = 0;
      try {
        for (const name of names) {
          const scenario = await loadScenario(name);
          progress.info(`scenario ${scenario.name}: ${scenario.description}`);
          const report = await runScenario(scenario, {
            provider,
            reportDir: options.reportDir,
            progress,
            view: new ProgressView(),
            signal: controller.signal,
          });
          console.log(`\n${readinessTable(report.shoots)}\n`);
          for (const step of report.steps) console.log(`${step.passed ? 'PASS' : 'FAIL'}  ${step.title}${step.message ? `\n      ${step.message.split('\n').join('\n      ')}` : ''}`);
          if (report.error) console.log(`ERROR ${report.error}`);
          console.log(`scenario ${scenario.name}: ${report.passed ? 'passed' : 'FAILED'} in ${(report.durationMs / 1000).toFixed(1)}s (reports in ${options.reportDir}/${scenario.name}.{json,junit.xml})`);
          if (!report.passed) failed++;
          if (controller.signal.aborted) break;
        }
      } finally {
        uninstall();
      }
      process.exitCode = controller.signal.aborted ? 130 : failed ? 1 : 0;
    });
  command
    .command('list')
    .description('list the scenarios in scenarios/')
    .action(async () => {
      for (const name of scenarioNames()) console.log(`${name.padEnd(44)} ${(await loadScenario(name)).description}`);
    });
  return command;
}
