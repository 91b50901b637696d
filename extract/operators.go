package extract

import (
	"fmt"
	"slices"
	"strings"
)

// StageOperators is a compact text of the operators that ran in stage id,
// query by query, bounded to limit bytes: what the diagnosis's reference
// information carries for a flagged stage instead of a plan excerpt.
//
//	query 3: SortMergeJoin (node 5) 1200000 rows; Exchange (node 9) 2.1 GiB, 5000 rows; Scan parquet db.t (node 12) 4.0 GiB, 400 files
//
// Operators without metrics (wrappers like InputAdapter) and the
// WholeStageCodegen nodes are left out. "" when no operator ran there.
func (a *App) StageOperators(stageID int64, limit int) string {
	var sb strings.Builder
	exec := int64(-1)
	for i := range a.PlanNodes {
		n := &a.PlanNodes[i]
		if n.Metrics == 0 || strings.HasPrefix(n.Name, "WholeStageCodegen") || !slices.Contains(n.StageIDs, stageID) {
			continue
		}
		if n.ExecutionID != exec {
			if exec >= 0 {
				sb.WriteString("\n")
			}
			exec = n.ExecutionID
			fmt.Fprintf(&sb, "query %d: ", exec)
		} else {
			sb.WriteString("; ")
		}
		sb.WriteString(operatorText(n))
	}
	return Clip(sb.String(), limit)
}

// operatorText is one operator with its non-zero numbers.
func operatorText(n *PlanNodeRow) string {
	parts := []string{fmt.Sprintf("%s (node %d)", n.Name, n.NodeID)}
	if n.Bytes > 0 {
		parts = append(parts, fmt.Sprintf("%.1f GiB", float64(n.Bytes)/(1<<30)))
	}
	if n.Rows > 0 {
		parts = append(parts, fmt.Sprintf("%d rows", n.Rows))
	}
	if n.FilesRead > 0 {
		parts = append(parts, fmt.Sprintf("%d files", n.FilesRead))
	}
	if n.SpillBytes > 0 {
		parts = append(parts, fmt.Sprintf("%.1f GiB spilled", float64(n.SpillBytes)/(1<<30)))
	}
	return strings.Join(parts, " ")
}
