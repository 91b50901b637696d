package main

import (
	"context"
	"errors"
	"io"
)

// cmdDiagnose is replaced by the on-demand diagnosis.
func cmdDiagnose(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("diagnose: not built yet")
}
