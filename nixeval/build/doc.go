// Package build runs and judges builds: the printed build command run
// with --log-format internal-json (Start, Run), the dry run's plan
// (DryRun), who can build what for this user (ReadCapabilities, Judge,
// CheckPlatform), the store's free space (ReadSpace), what went wrong
// (diagnose.go) and what to do with a built system (nextsteps.go). The
// log itself is read by package buildlog.
package build
