// V8 flags of the workstation service process, the same under Electron (utilityProcess) and the
// web host (child process), measured on the clerk's screens over a 100k-ticket replica
// (bench/workstation-screens.ts; docs/performance.md#workstation).
// - `--max-semi-space-size=2`: a young generation of 2 MB semi-spaces instead of Node's 16 MB,
//   ~40 MB less resident (179 → 139 MB PSS with the inbox open), ~4 % on a first replica. 1 MB
//   measured the same as 2.
// - Not `--optimize-for-size` (15–50 MB less, but start → inbox ~40 % slower and +22 % CPU on a
//   first replica) nor `--heap-growing-percent=20` (15 MB less, start ~20–45 % slower): both trade
//   a latency target that is met for a few MB of a memory target that the renderer's own
//   run-to-run spread (±20 MB) decides.
export const SERVICE_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=2'];
