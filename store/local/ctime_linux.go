package local

import (
	"io/fs"
	"syscall"
	"time"
)

// changed is the file's change time (ctime).
func changed(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
	}
	return fi.ModTime()
}
