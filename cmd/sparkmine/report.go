package main

import (
	"context"
	"errors"
	"io"
)

// cmdReport is replaced by the weekly report (issue 8).
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("report: not built yet")
}
