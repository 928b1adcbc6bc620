package main

import (
	"context"
	"io"
)

// cmdTUI opens the explorer; until it lands, it lists like `ls`.
func cmdTUI(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	return cmdLs(ctx, o, stdout, stderr)
}
