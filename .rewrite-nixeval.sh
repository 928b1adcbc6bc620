#!/bin/sh
# Rewrites the callers of the symbols issue 23 moved out of nixeval (into
# nixeval/diag, nixeval/resolve and nixeval/setbuild) and out of nixeval/build (into
# nixeval/build/buildlog) in every Go file under DIR, then fixes the
# imports of the files it changed.
# Idempotent: a second run finds nothing to rewrite.
#
# usage: .rewrite-nixeval.sh DIR
set -eu
dir=${1:?usage: $0 DIR}
export PATH=/usr/local/go/bin:$PATH
goimports="go run golang.org/x/tools/cmd/goimports@v0.45.0"

# Files that mention an old name (before the rewrite): the only ones whose
# imports are touched afterwards.
old='nixeval\.(ErrKind|Err[A-Z][A-Za-z]*|EvalError|MissingAttrError|PlatformMismatch|Classify|FirstLine|Clip|EvalBuild|ParseEvalBuild|IFDRefused|Warning|WarningKind|WarningEval|WarningTrace|UniqueWarnings|WarningSink|CollectWarnings|NoteWarnings|WarningScanner|MaxWarnings|MaxWarningMessage|UnrecognisedWarning|Frame|Trace|ParseTrace|TraceRead|NixpkgsRelative|Flags|Environment|SystemEnvironment|Resolve|Buildable|NothingToBuild|SetContents|CountChildren|SummaryClause)\b'
oldbuild='build\.(Progress|NewProgress|Event|EventKind|Event[A-Z][A-Za-z]*|ActiveBuild|Stats|Copy|CopyText|BuiltOn|Plan|DrvName)\b'
files=$(grep -rlE --include='*.go' "$old|$oldbuild" "$dir" || true)
[ -n "$files" ] || { echo "nothing to rewrite under $dir"; exit 0; }

# nixeval -> nixeval/diag: what Nix says besides an answer.
for s in ErrKind ErrOther ErrSyntax ErrAssertion ErrMissingAttr ErrInfiniteRecursion \
	ErrThrow ErrType ErrFileMissing ErrSearchPath ErrFlakeHost ErrFeature ErrTimeout \
	ErrNotNix ErrPlatform ErrUntracked ErrFlakeInput ErrIFD EvalError MissingAttrError \
	PlatformMismatch Classify FirstLine Clip EvalBuild ParseEvalBuild IFDRefused \
	Warning WarningKind WarningEval WarningTrace UniqueWarnings WarningSink \
	CollectWarnings NoteWarnings WarningScanner MaxWarnings MaxWarningMessage \
	UnrecognisedWarning Frame Trace NixpkgsRelative; do
	gofmt -r "nixeval.$s -> diag.$s" -w $files
done
# The trace readers take the wrapper's text, whose locations they leave out.
gofmt -r 'nixeval.ParseTrace(x) -> diag.ParseTrace(x, nixeval.WrapperExpr())' -w $files
gofmt -r 'nixeval.TraceRead(x) -> diag.TraceRead(x, nixeval.WrapperExpr())' -w $files

# nixeval -> nixeval/resolve: the target from the user's flags.
for s in Flags Environment SystemEnvironment; do
	gofmt -r "nixeval.$s -> resolve.$s" -w $files
done
gofmt -r 'nixeval.Resolve -> resolve.Target' -w $files

# nixeval -> nixeval/setbuild: what building a value or a whole set means.
for s in Buildable NothingToBuild CountChildren SummaryClause; do
	gofmt -r "nixeval.$s -> setbuild.$s" -w $files
done
gofmt -r 'nixeval.SetContents -> setbuild.Contents' -w $files

# nixeval/build -> nixeval/build/buildlog: reading what a build prints.
# (A selector on a variable named build would match too: none exists in
# the tree; go build after the script would say so.)
for s in Progress NewProgress Event EventKind EventPlan EventProgress EventBuildStarted \
	EventBuildStopped EventPhase EventLog EventFetch EventMessage EventBuildFailed \
	EventCopy ActiveBuild Stats Copy CopyText BuiltOn Plan DrvName; do
	gofmt -r "build.$s -> buildlog.$s" -w $files
done

$goimports -w $files
