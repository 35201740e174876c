// V8 flags of the workstation service process, the same under Electron (utilityProcess) and the
// web host (child process). A young generation of 2 MB semi-spaces instead of Node's 16 MB keeps
// ~40 MB less resident for the service of a 100k-ticket replica (179 → 139 MB PSS with the inbox
// open), for ~4 % on a first replica (docs/performance.md#workstation).
export const SERVICE_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=2'];
