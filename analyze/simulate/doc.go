// Package simulate replays an application's stages on another executor
// configuration: the right-sizing what-if behind the simulations table, the
// apps table's critical_path_ms … rightsize_saving_usd columns and the
// oversized / undersized findings. It is pure: it is handed an app model and
// returns numbers.
//
// The model (FromApp): each stage attempt that ran tasks is a unit with its
// tasks' durations (extract.TaskSketch), the units it waits for (its parent
// stages, its previous attempt, and the stages of its job that ended before
// it was submitted), and the driver's own delay between the
// stage becoming runnable and its submission, as in the log. Jobs whose
// [submission, completion] intervals overlapped in the log form a group that
// may overlap again; groups run one after another, separated by the driver
// time that separated them in the log (the driver's own work between jobs),
// and the time before the first and after the last group is kept too.
//
// The replay (Run) gives E executors × C cores (C ÷ spark.task.cpus slots
// each), alive to the app's end. Within a group each job starts at its
// offset from the group's start; a stage becomes runnable when its job has
// started and its parents have finished, plus its delay; runnable stages are
// taken in order of that time (job, then stage id on ties: Spark's FIFO
// scheduler), and each of their tasks goes to the earliest free slot. A
// stage known only by its sketch (more than extract.SketchExact tasks) is
// replayed in launch order from its sample; whole waves of its tasks (one task
// per slot each) but the last two to three per slot are poured onto the
// slots as a fluid (each slot's free time raised to one level), the rest
// placed one by one, so a replay costs O(min(tasks, 3·slots)·log slots) per
// stage whatever the log's size, and is off by less than a task per stage.
//
// The replay at the app's own configuration (RunTimeline) uses the
// executors as they came and went; the sweep (Run) gives E executors that
// register one every ExecSpacingMS from the first one's time, as the app's
// did.
//
// What it leaves out: locality waits, speculation's extra copies beyond
// those the log ran, executor loss and dynamic allocation's ramp (the
// replay's executors are static), and tasks whose duration would change
// with the configuration (spill, GC, shuffle fetch under contention).
// Result.Trust says when the estimate at the app's own configuration is
// too far from what happened to be relied on.
package simulate
