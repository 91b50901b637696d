package s3test

import (
	"os/exec"
	"syscall"
)

// setDeathSignal kills versitygw if the test binary dies without stopping
// it (a test timeout's panic, a kill), so no server outlives its tests.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
