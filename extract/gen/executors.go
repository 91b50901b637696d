package gen

import (
	"fmt"
	"strconv"
	"strings"
)

// executor is one executor's life and its running JVM counters.
type executor struct {
	id, host, container string
	cores               int
	added, deathAt      int64 // deathAt is 0 while it lives
	port                int64
	minorGCCount        int64
	minorGCTime         int64
	majorGCCount        int64
	majorGCTime         int64
	heapPeak            int64
}

// startExecutors registers the initial executors a few seconds after start.
func (g *gen) startExecutors(start int64) {
	at := start + 3500 + g.r.Int64N(3000)
	for i := 0; i < g.spec.Executors; i++ {
		at += g.r.Int64N(400)
		g.addExecutor(at)
	}
}

// addExecutor creates an executor at time at, writes its events and
// offers its cores to the scheduler.
func (g *gen) addExecutor(at int64) int {
	g.nextExecID++
	n := g.nextExecID
	e := executor{
		id:        strconv.Itoa(n),
		host:      g.hostName(n),
		container: g.containerID(n + 1),
		cores:     g.spec.ExecutorCores,
		added:     at,
		port:      30000 + g.r.Int64N(30000),
	}
	g.execs = append(g.execs, e)
	idx := len(g.execs) - 1
	g.alive = append(g.alive, idx)
	g.writeExecutorAdded(&g.execs[idx])
	for c := 0; c < e.cores; c++ {
		g.slots.push(slot{exec: idx, core: c, freeAt: at})
	}
	return idx
}

// hostName puts two executors on each worker node, as YARN often does.
func (g *gen) hostName(n int) string {
	node := (n - 1) / 2
	return fmt.Sprintf("ip-10-%d-%d-%d.ec2.internal", 16+int(g.spec.Seed&7), 32+node/200, 10+node%200)
}

// containerID is YARN's container id for the n-th container of the app.
func (g *gen) containerID(n int) string {
	cluster, seq := "1700000000000", "0001"
	if parts := strings.Split(g.spec.AppID, "_"); len(parts) == 3 && parts[0] == "application" {
		cluster, seq = parts[1], parts[2]
	}
	return fmt.Sprintf("container_%s_%s_01_%06d", cluster, seq, n)
}

// killExecutor plants an executor loss: executor idx dies at time at, the
// tasks it runs are lost, and a replacement registers some seconds later.
func (g *gen) killExecutor(idx int, at int64) {
	e := &g.execs[idx]
	e.deathAt = at
	for i := range g.queue.items {
		it := &g.queue.items[i]
		if it.kind == evTaskEnd && it.t.exec == idx && it.at > at {
			it.t.cut(at, endExecutorLost)
			it.at = at
		}
	}
	g.queue.init()
	g.queue.push(event{at: at, kind: evExecRemoved, exec: idx})
	for i, a := range g.alive {
		if a == idx {
			g.alive = append(g.alive[:i], g.alive[i+1:]...)
			break
		}
	}
	g.queue.push(event{at: at + 8000 + g.r.Int64N(20000), kind: evExecAdded})
}

// lossReason is the cluster manager's message for a killed executor.
func (g *gen) lossReason(e *executor, k int) string {
	mem := float64(g.spec.ExecutorMemoryMB) * 1.1 / 1024
	if k%2 == 0 {
		return fmt.Sprintf("Container killed by YARN for exceeding physical memory limits. %.1f GB of %.1f GB physical memory used. Consider boosting spark.executor.memoryOverhead.", mem+0.2, mem)
	}
	return fmt.Sprintf("Container from a bad node: %s on host: %s. Exit status: 52. Diagnostics: [%s]Exception from container-launch.\nContainer id: %s\nExit code: 52\nException message: java.lang.OutOfMemoryError: Java heap space\n.", e.container, e.host, "2026-11-02 01:00:00.000", e.container)
}

func (g *gen) writeExecutorAdded(e *executor) {
	l := &g.l
	g.begin("SparkListenerExecutorAdded", e.added)
	l.int("Timestamp", e.added)
	l.str("Executor ID", e.id)
	l.obj("Executor Info")
	l.str("Host", e.host)
	l.int("Total Cores", int64(e.cores))
	base := "http://" + e.host + ":8042/node/containerlogs/" + e.container + "/" + g.spec.User + "/"
	l.strMap("Log Urls", []kv{{"stdout", base + "stdout?start=-4096"}, {"stderr", base + "stderr?start=-4096"}})
	l.strMap("Attributes", []kv{
		{"NM_HTTP_ADDRESS", e.host + ":8042"}, {"USER", g.spec.User}, {"LOG_FILES", "stderr,stdout"},
		{"NM_HTTP_PORT", "8042"}, {"CLUSTER_ID", ""}, {"NM_PORT", "8041"}, {"HTTP_SCHEME", "http://"},
		{"NM_HOST", e.host}, {"CONTAINER_ID", e.container},
	})
	l.obj("Resources")
	l.close('}')
	l.int("Resource Profile Id", 0)
	l.int("Registration Time", e.added)
	l.int("Request Time", g.spec.Start.UnixMilli()+1200)
	l.close('}')
	g.end()
	g.writeBlockManagerAdded(e.id, e.host, e.port, e.added+40+g.r.Int64N(60))
}

func (g *gen) writeBlockManagerAdded(id, host string, port, at int64) {
	l := &g.l
	mem := int64(g.spec.ExecutorMemoryMB)<<20*6/10 - 300<<20*6/10
	if id == "driver" {
		mem = 2 << 30 * 6 / 10
	}
	g.begin("SparkListenerBlockManagerAdded", at)
	l.obj("Block Manager ID")
	l.str("Executor ID", id)
	l.str("Host", host)
	l.int("Port", port)
	l.close('}')
	l.int("Maximum Memory", mem)
	l.int("Timestamp", at)
	l.int("Maximum Onheap Memory", mem)
	l.int("Maximum Offheap Memory", 0)
	g.end()
}

func (g *gen) writeExecutorRemoved(idx int, at int64) {
	e := &g.execs[idx]
	l := &g.l
	g.begin("SparkListenerExecutorRemoved", at)
	l.int("Timestamp", at)
	l.str("Executor ID", e.id)
	l.str("Removed Reason", g.lossReason(e, idx))
	g.end()
	g.begin("SparkListenerBlockManagerRemoved", at)
	l.obj("Block Manager ID")
	l.str("Executor ID", e.id)
	l.str("Host", e.host)
	l.int("Port", e.port)
	l.close('}')
	l.int("Timestamp", at)
	g.end()
}
