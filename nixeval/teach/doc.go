// Package teach explains a build command part by part (Explain), names
// source files as they lie in nixpkgs (NixpkgsRelative, DisplayFile), and
// builds the command that opens the user's editor on a definition
// (EditorCommand).
package teach
