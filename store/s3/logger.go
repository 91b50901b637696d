package s3

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/smithy-go/logging"
)

// sdkLogger routes the SDK's own log lines (such as "falling back to
// IMDSv1") through log/slog's default logger, so a program that logs JSON
// logs these as JSON too. The default logger is looked up at each line.
type sdkLogger struct{}

var _ logging.Logger = sdkLogger{}

// Logf logs one SDK line at the level its classification names.
func (sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelDebug
	if c == logging.Warn {
		level = slog.LevelWarn
	}
	slog.Default().Log(context.Background(), level, fmt.Sprintf(format, v...), "source", "aws-sdk-go-v2")
}
