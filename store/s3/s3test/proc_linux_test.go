package s3test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestCloseStopsTheProcess(t *testing.T) {
	srv, err := start(context.Background(), require(t))
	if err != nil {
		t.Fatal(err)
	}
	bucket := srv.NewBucket(t)
	if _, err := os.Stat(filepath.Join(srv.Dir, bucket)); err != nil {
		t.Errorf("bucket folder: %v", err)
	}
	pid := srv.proc.cmd.Process.Pid
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("versitygw (pid %d) still runs after Close", pid)
	}
	if _, err := os.Stat(srv.Dir); !os.IsNotExist(err) {
		t.Errorf("server folder left: %v", err)
	}
}
