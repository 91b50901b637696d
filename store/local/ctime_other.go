//go:build !linux

package local

import (
	"io/fs"
	"time"
)

// changed is the file's modification time where ctime is not read.
func changed(fi fs.FileInfo) time.Time { return fi.ModTime() }
