import cliProgress from 'cli-progress';

export interface ProgressBar {
  setTotal(total: number): void;
  update(done: number): void;
  stop(): void;
}

export interface ProgressReporter {
  start(label: string): ProgressBar;
}

/** A progress bar on the terminal when stderr is one; nothing otherwise (logs and run records carry progress). */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return {
    start(label: string): ProgressBar {
      if (!stream.isTTY) return { setTotal: () => {}, update: () => {}, stop: () => {} };
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} records | {eta_formatted} left`,
          stream,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(0, 0);
      return { setTotal: (n) => bar.setTotal(n), update: (n) => bar.update(n), stop: () => bar.stop() };
    },
  };
}
