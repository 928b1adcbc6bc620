// Package warm keeps Nix evaluators warm: a Session is one `nix repl`
// that answers requests framed by random sentinels and starts again when
// a file it read changes; a Pool runs several in parallel, requests the
// user waits for before background ones, within a memory bound; a
// TrackedOneShot is a one-shot backend that notes the files each
// evaluation read, so its answers can be cached.
package warm
