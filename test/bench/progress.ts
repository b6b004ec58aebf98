/**
 * The progress line on stderr: rewritten in place on a terminal, one line per step otherwise (CI
 * logs, files). `log` prints a lasting line above it.
 */
export interface Progress {
  /** Replaces the progress line. */
  update(text: string): void;
  /** Prints a line that stays. */
  log(text: string): void;
  /** Clears the progress line. */
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let shown = false;
  const clear = () => {
    if (tty && shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    update(text) {
      if (tty) {
        clear();
        stream.write(text.slice(0, (stream.columns ?? 120) - 1));
        shown = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    log(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done: clear,
  };
}
