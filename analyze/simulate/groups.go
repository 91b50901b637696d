package simulate

import (
	"cmp"
	"slices"

	"github.com/sparkmine/sparkmine/extract"
)

// groupsOf cuts the app's jobs into groups of overlapping jobs and builds
// each group's jobs and units; it returns the groups and the driver time
// after the last one.
func groupsOf(app *extract.App, jobs []timedJob, units []appUnit) ([]Group, int64) {
	jobs = withOrphans(jobs, units)
	var groups []Group
	prevEnd := *app.Row.StartTime
	for lo := 0; lo < len(jobs); {
		hi, end := lo+1, jobs[lo].end
		for hi < len(jobs) && jobs[hi].start < end {
			end = max(end, jobs[hi].end)
			hi++
		}
		g := buildGroup(jobs[lo:hi], lo, units)
		g.GapMS = max(0, jobs[lo].start-prevEnd)
		groups = append(groups, g)
		prevEnd = max(prevEnd, end)
		lo = hi
	}
	return groups, max(0, *app.Row.StartTime+app.Row.DurationMS-prevEnd)
}

// withOrphans gives every unit that no job lists a job of its own, and
// re-sorts the jobs by start; units' job indices follow.
func withOrphans(jobs []timedJob, units []appUnit) []timedJob {
	type keyed struct {
		timedJob
		old int
	}
	all := make([]keyed, 0, len(jobs))
	for i, j := range jobs {
		all = append(all, keyed{j, i})
	}
	for i := range units {
		if units[i].job < 0 {
			units[i].job = len(all)
			all = append(all, keyed{timedJob{start: units[i].submit, end: units[i].end}, len(all)})
		}
	}
	slices.SortStableFunc(all, func(x, y keyed) int { return cmp.Compare(x.start, y.start) })
	moved := make([]int, len(all))
	out := make([]timedJob, len(all))
	for i, k := range all {
		moved[k.old], out[i] = i, k.timedJob
	}
	for i := range units {
		units[i].job = moved[units[i].job]
	}
	return out
}

// buildGroup builds the group of jobs (jobs[0] is the app's job first,
// the rest follow in start order).
func buildGroup(jobs []timedJob, first int, units []appUnit) Group {
	g := Group{Jobs: make([]Job, len(jobs))}
	var mine []appUnit
	lastEnd := make([]int64, len(jobs))
	for _, u := range units {
		if k := u.job - first; k >= 0 && k < len(jobs) {
			mine = append(mine, u)
			lastEnd[k] = max(lastEnd[k], u.end)
		}
	}
	for k, j := range jobs {
		g.Jobs[k] = Job{OffsetMS: j.start - jobs[0].start, PostMS: max(0, j.end-max(lastEnd[k], j.start))}
	}
	g.Units = linkUnits(mine, jobs, first)
	return g
}

// linkUnits turns a group's stage attempts into units: the units each waits
// for and its delay.
func linkUnits(mine []appUnit, jobs []timedJob, first int) []Unit {
	slices.SortFunc(mine, func(x, y appUnit) int {
		return cmp.Or(cmp.Compare(x.row.StageID, y.row.StageID), cmp.Compare(x.row.StageAttemptID, y.row.StageAttemptID))
	})
	out := make([]Unit, len(mine))
	for i, u := range mine {
		ready := jobs[u.job-first].start
		var parents []int
		for p := range i {
			if dependsOn(u, mine[p]) {
				parents = append(parents, p)
				ready = max(ready, mine[p].end)
			}
		}
		out[i] = Unit{StageID: u.row.StageID, Parents: parents, DelayMS: max(0, u.submit-ready),
			Tasks: u.tasks, job: u.job - first}
	}
	return out
}

// dependsOn says unit u waits for the earlier unit p: p is an attempt of
// one of u's parent stages (parent_stage_ids), an earlier attempt of u's
// stage, or a stage of the same job that ended before u was submitted (the
// driver sequenced them: adaptive execution submits query stages one by
// one, and Spark's oldest logs name no parents).
func dependsOn(u, p appUnit) bool {
	return p.row.StageID == u.row.StageID || slices.Contains(u.row.ParentStageIDs, p.row.StageID) ||
		p.job == u.job && p.end <= u.submit
}

// waiters returns, per unit, the units waiting for it (computed once and
// kept: a Model is not for concurrent use).
func (g *Group) waiters() [][]int {
	if len(g.children) == len(g.Units) {
		return g.children
	}
	g.children = make([][]int, len(g.Units))
	for i, u := range g.Units {
		for _, p := range u.Parents {
			g.children[p] = append(g.children[p], i)
		}
	}
	return g.children
}
