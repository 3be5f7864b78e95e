/**
 * @module cli/up
 * `ward up`: API, console and data plane in one process on the embedded default. SIGINT or
 * SIGTERM stops everything Ward started, cleanly, and exits 0; a second signal exits at once.
 */
import type { Command } from 'commander';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'start Ward: API, console and data plane on this machine (settings: WARD_* variables, $WARD_HOME/ward.yaml)',
    )
    .action(async () => {
      // The server's modules (and zod) load only here, so client commands start fast.
      const { ConfigError, loadConfig } = await import('../config/index.js');
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig();
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
      const [{ createLogger }, { startWard }] = await Promise.all([
        import('../lib/logger.js'),
        import('../server/index.js'),
      ]);
      const log = createLogger(config.log_level);
      const started = Date.now();
      const ward = await startWard(config, log).catch((err: Error) => {
        log.error({ err }, 'Ward could not start');
        process.stderr.write(`ward: could not start: ${err.message}\n`);
        process.exit(1);
      });
      const say = (line: string) => process.stderr.write(`${line}\n`);
      say(
        `Ward is up in ${Date.now() - started} ms: API and console at ${ward.url}  (home ${ward.home.root})`,
      );
      if (ward.initialAdminPassword) {
        say(
          `First start: the operator account is admin@localhost; its one-time password is in ${ward.home.adminPasswordFile}`,
        );
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          say(`ward: ${signal} again, exiting without waiting`);
          process.exit(1);
        }
        stopping = true;
        say(`ward: ${signal}: stopping (clusters shut down cleanly; a second signal exits at once)`);
        try {
          await ward.stop();
          process.exit(0);
        } catch (err) {
          log.error({ err }, 'stopping failed');
          process.exit(1);
        }
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
