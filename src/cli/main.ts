// Entry point: `npm run -s sim -- <scenario.json> [--seed N] [--until SECONDS] [--out result.json] [--report json|md|html|csv [--report-out FILE]] [--counterfactual JSON] [--pcap FILE] [--split]`.
import { runCli } from './cli';

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
