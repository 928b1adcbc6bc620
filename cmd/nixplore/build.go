package main

import (
	"context"
	"io"

	"github.com/nixplore/nixplore/nixeval"
)

func cmdBuild(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	return &nixeval.UsageError{Msg: "build is not available yet"}
}
