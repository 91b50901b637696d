// Command sparkmine mines Apache Spark event logs: it reads them, extracts
// per-app, per-stage and per-executor metrics, stores them as Parquet,
// flags what went wrong and says what to change.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sparkmine: under construction")
	os.Exit(2)
}
