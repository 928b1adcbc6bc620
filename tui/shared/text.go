package shared

import (
	"errors"
	"strings"

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
