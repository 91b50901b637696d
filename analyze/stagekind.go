package analyze

import "github.com/sparkmine/sparkmine/extract"

// isMetadata reports whether a stage is metadata work rather than the
// job's: a parallel file listing or a schema inference (extract's
// stage_kind, classified from what Spark writes). Such stages never yield
// tiny_tasks or GC findings: thousands of short tasks are how Spark lists
// files, and no partitioning setting governs them.
func isMetadata(st *extract.StageRow) bool {
	return st.StageKind == extract.KindListing || st.StageKind == extract.KindSchema
}
