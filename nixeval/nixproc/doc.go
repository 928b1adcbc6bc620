// Package nixproc runs Nix programs: every Nix child nixplore starts is
// forked by Start (on one thread that lives as long as nixplore, with a
// parent-death signal), and all but the warm repl run through Command,
// which reads stderr into a bounded Tail and, when cancelled, sends the
// process group SIGINT and after GracePeriod kills it with the groups of
// the builders below it. It also reads what a failing Nix printed
// (NixError, LastErrorBlock) and asks Nix for its version (Version).
package nixproc
