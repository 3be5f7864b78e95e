// Preloaded into a process a bench starts (`node --require bench/cpu-on-exit.cjs …`): at exit it
// writes the process's own CPU time to standard error as one line, `cpu-on-exit <µs>`, so the
// bench can split a run's CPU between its processes without a tool the machine may not have.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncpu-on-exit ${user + system}\n`);
});
