// Command timeit runs a command and writes its wall time, user and system
// CPU time and peak RSS to a file, like GNU time's -f '%e %U %S %M' -o FILE
// but to the microsecond the kernel's rusage has, where GNU time prints
// hundredths: bench/run.sh times runs of a quarter of a second, where a
// hundredth is 4 %.
//
//	timeit -o FILE CMD [ARG...]
//
// FILE gets one line: wall seconds, user seconds, system seconds, peak RSS
// in KiB. The command's standard streams are this one's; its exit status is
// this one's.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	out := flag.String("o", "", "write the figures to this file (required)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: timeit -o FILE CMD [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(127)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "timeit: no rusage on this system")
		os.Exit(127)
	}
	line := fmt.Sprintf("%.6f %.6f %.6f %d\n", wall.Seconds(),
		time.Duration(syscall.TimevalToNsec(ru.Utime)).Seconds(),
		time.Duration(syscall.TimevalToNsec(ru.Stime)).Seconds(), ru.Maxrss)
	if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(127)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
