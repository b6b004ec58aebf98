/**
 * A check report as text for the CLI (and CI logs): the verdict first, then composition errors,
 * then the changes by kind, each with its coordinate and the operations it affects.
 */
import type { CheckChange, CheckReport } from './types.ts';

/** How many affected operations are named per change; the rest are counted. */
const OPERATIONS_SHOWN = 5;

/** The report as lines of text, ending with a newline. */
export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [verdict(report)];
  if (report.usage?.error !== undefined)
    lines.push(`usage could not be read (${report.usage.error}): every breaking change fails`);
  else if (report.usage !== undefined)
    lines.push(
      report.failOn === 'used'
        ? `usage: ${report.usage.operations ?? 0} operations recorded; breaking changes no recorded operation uses pass`
        : `usage: ${report.usage.operations ?? 0} operations recorded; every breaking change fails`,
    );
  if (report.compositionErrors.length > 0) {
    lines.push('', `Composition errors (${report.compositionErrors.length}):`);
    for (const error of report.compositionErrors) lines.push(`  ${error}`);
  }
  for (const kind of ['breaking', 'dangerous', 'safe'] as const) {
    const changes = report.changes.filter((c) => c.kind === kind);
    if (changes.length === 0) continue;
    lines.push('', `${kind[0]!.toUpperCase()}${kind.slice(1)} changes (${changes.length}):`);
    for (const change of changes) lines.push(...describe(change));
  }
  if (report.compositionErrors.length === 0 && report.changes.length === 0) lines.push('', 'No changes.');
  return `${lines.join('\n')}\n`;
}

function verdict(report: CheckReport): string {
  if (report.compositionErrors.length > 0)
    return 'FAIL: the candidate does not compose with the subgraphs in service';
  const blocking = report.changes.filter((c) => c.blocking).length;
  if (blocking > 0)
    return `FAIL: ${blocking} breaking change${blocking === 1 ? '' : 's'} would break clients`;
  const breaking = report.changes.filter((c) => c.kind === 'breaking').length;
  if (breaking > 0)
    return `PASS: ${breaking} breaking change${breaking === 1 ? '' : 's'}, none used by a recorded operation`;
  return 'PASS: composes, no breaking change';
}

function describe(change: CheckChange): string[] {
  const mark = change.blocking ? 'x' : change.kind === 'breaking' ? '-' : ' ';
  const lines = [`  ${mark} ${change.coordinate || '(schema)'}: ${change.message}`];
  if (change.affected === undefined) return lines;
  if (change.affected.length === 0) {
    lines.push('      used by no recorded operation');
    return lines;
  }
  const shown = change.affected.slice(0, OPERATIONS_SHOWN).map((use) => `${use.operation} (${use.count})`);
  const more = change.affected.length - shown.length;
  lines.push(`      used by ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  return lines;
}
