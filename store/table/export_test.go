package table

// SetMaxPartRows sets the rows per part for a test and returns the undo.
func SetMaxPartRows(n int) (undo func()) {
	old := maxPartRows
	maxPartRows = n
	return func() { maxPartRows = old }
}
