package teach

import "github.com/nixplore/nixplore/nixeval/diag"

// NixpkgsRelative returns file relative to the nixpkgs source it lies in
// (see nixeval.NixpkgsRelative).
func NixpkgsRelative(file string) (string, bool) { return diag.NixpkgsRelative(file) }

// DisplayFile is how nixplore shows a file that defines or declares a
// value: relative to nixpkgs for files of a nixpkgs source, the user's own
// files as they are.
func DisplayFile(file string) string {
	if rel, ok := NixpkgsRelative(file); ok {
		return rel
	}
	return file
}

// DisplayFiles is DisplayFile for each file.
func DisplayFiles(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = DisplayFile(f)
	}
	return out
}
