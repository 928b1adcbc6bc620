// Package nixeval is nixplore's evaluation core: the target to evaluate
// (Target), the one constant Nix expression every request goes through
// (nixplore.nix, with the request as a JSON string), the backends that
// answer a Request (Backend; OneShot runs nix-instantiate, package warm
// keeps nix repls), and the Evaluator that asks them: Names, Kinds, List,
// Describe, Values, Info, Trace, with answers kept in the disk cache
// (package cache) keyed on the files each evaluation read. It imports
// none of the packages below it that build on it (build, warm, compare,
// teach, flakelock, resolve, setbuild, changes).
package nixeval
