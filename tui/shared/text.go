package shared

import (
	"errors"
	"strings"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

func IsCancel(err error) bool {
	var ce *nixproc.CancelledError
	return errors.As(err, &ce)
}

func FirstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// ErrorText is err as the build and compare panels print it: an evaluation
// error whole (its Error), anything else by its Error.
func ErrorText(err error) string {
	var ee *diag.EvalError
	if errors.As(err, &ee) {
		return ee.Error()
	}
	return err.Error()
}
