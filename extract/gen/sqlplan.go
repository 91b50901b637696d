package gen

import (
	"fmt"
	"strings"
)

// planNode is a node of the plan template, root first.
type planNode struct {
	name, simple string
}

var baseColumns = []string{"order_id", "customer_id", "store_id", "amount", "currency", "status", "created_at", "dt"}

// planColumns returns the scanned table's columns: a base set, widened
// with attribute columns until the plan text reaches about planBytes.
func planColumns(planBytes int) []string {
	cols := append([]string(nil), baseColumns...)
	const perColumn = 72 // bytes one column adds to the plan text
	for i := 1; 2000+len(cols)*perColumn < planBytes; i++ {
		cols = append(cols, fmt.Sprintf("attr_%05d", i))
	}
	return cols
}

func (g *gen) tableName() string {
	return "spark_catalog.warehouse." + g.spec.AppName[:min(len(g.spec.AppName), 12)] + "_src"
}

func planNodes(table string) []planNode {
	return []planNode{
		{"AdaptiveSparkPlan", "AdaptiveSparkPlan isFinalPlan=false"},
		{"Execute InsertIntoHadoopFsRelationCommand", "Execute InsertIntoHadoopFsRelationCommand s3://acme-datalake/warehouse/out, false, [dt#7], Parquet, [path=s3://acme-datalake/warehouse/out], Overwrite, [order_id, customer_id, total, dt]"},
		{"HashAggregate", "HashAggregate(keys=[customer_id#1L, dt#7], functions=[sum(amount#3)])"},
		{"Exchange", "Exchange hashpartitioning(customer_id#1L, dt#7, 200), ENSURE_REQUIREMENTS, [plan_id=41]"},
		{"HashAggregate", "HashAggregate(keys=[customer_id#1L, dt#7], functions=[partial_sum(amount#3)])"},
		{"Scan parquet " + table, "FileScan parquet " + table + "[order_id#0L,customer_id#1L,amount#3,dt#7] Batched: true, DataFilters: [isnotnull(customer_id#1L)], Format: Parquet, Location: InMemoryFileIndex(1 paths)[s3://acme-datalake/warehouse/src], PartitionFilters: [isnotnull(dt#7)], PushedFilters: [IsNotNull(customer_id)], ReadSchema: struct<order_id:bigint,customer_id:bigint,amount:decimal(18,2)>"},
	}
}

// physicalPlan returns the plan text; it is built once per log.
func (g *gen) physicalPlan(int) string {
	if g.planPad != "" {
		return g.planPad
	}
	cols := planColumns(g.spec.PlanBytes)
	var attrs, schema strings.Builder
	for i, c := range cols {
		if i > 0 {
			attrs.WriteString(", ")
			schema.WriteString(",")
		}
		fmt.Fprintf(&attrs, "%s#%dL", c, 1000+i)
		fmt.Fprintf(&schema, "%s:bigint", c)
	}
	a := attrs.String()
	table := g.tableName()
	var b strings.Builder
	b.WriteString("== Physical Plan ==\nAdaptiveSparkPlan (8)\n+- Execute InsertIntoHadoopFsRelationCommand (7)\n   +- WriteFiles (6)\n" +
		"      +- HashAggregate (5)\n         +- Exchange (4)\n            +- HashAggregate (3)\n               +- Project (2)\n" +
		"                  +- Scan parquet " + table + " (1)\n\n\n")
	fmt.Fprintf(&b, "(1) Scan parquet %s\nOutput [%d]: [%s]\nBatched: true\nLocation: InMemoryFileIndex [s3://acme-datalake/warehouse/src/dt=2026-11-01]\n"+
		"PartitionFilters: [isnotnull(dt#1007), (dt#1007 = 2026-11-01)]\nPushedFilters: [IsNotNull(customer_id)]\nReadSchema: struct<%s>\n\n",
		table, len(cols), a, schema.String())
	fmt.Fprintf(&b, "(2) Project\nOutput [%d]: [%s]\nInput [%d]: [%s]\n\n", len(cols), a, len(cols), a)
	b.WriteString("(3) HashAggregate\nInput [3]: [customer_id#1001L, amount#1003L, dt#1007L]\nKeys [2]: [customer_id#1001L, dt#1007L]\n" +
		"Functions [1]: [partial_sum(amount#1003L)]\nAggregate Attributes [1]: [sum#2001L]\nResults [3]: [customer_id#1001L, dt#1007L, sum#2002L]\n\n" +
		"(4) Exchange\nInput [3]: [customer_id#1001L, dt#1007L, sum#2002L]\nArguments: hashpartitioning(customer_id#1001L, dt#1007L, 200), ENSURE_REQUIREMENTS, [plan_id=41]\n\n" +
		"(5) HashAggregate\nInput [3]: [customer_id#1001L, dt#1007L, sum#2002L]\nKeys [2]: [customer_id#1001L, dt#1007L]\n" +
		"Functions [1]: [sum(amount#1003L)]\nAggregate Attributes [1]: [sum(amount#1003L)#2000L]\nResults [3]: [customer_id#1001L, sum(amount#1003L)#2000L AS total#2003L, dt#1007L]\n\n" +
		"(6) WriteFiles\nInput [3]: [customer_id#1001L, total#2003L, dt#1007L]\n\n" +
		"(7) Execute InsertIntoHadoopFsRelationCommand\nInput: []\nArguments: s3://acme-datalake/warehouse/out, false, [dt#1007L], Parquet, [path=s3://acme-datalake/warehouse/out], Overwrite, [customer_id, total, dt]\n\n" +
		"(8) AdaptiveSparkPlan\nOutput: []\nArguments: isFinalPlan=false\n\n")
	g.planPad = b.String()
	return g.planPad
}

// sparkPlanInfo writes the plan tree with each node's metrics.
func (g *gen) sparkPlanInfo(int) {
	nodes := planNodes(g.tableName())
	l := &g.l
	l.obj("sparkPlanInfo")
	for i, n := range nodes {
		if i > 0 {
			l.arr("children")
			l.elemOpen('{')
		}
		l.str("nodeName", n.name)
		l.str("simpleString", n.simple)
		if i == len(nodes)-1 {
			l.arr("children")
			l.close(']')
		}
	}
	// close from the leaf back to the root, writing metadata and metrics
	for i := len(nodes) - 1; i >= 0; i-- {
		g.planNodeTail(i, i == len(nodes)-1)
		l.close('}')
		if i > 0 {
			l.close(']')
		}
	}
}

// planNodeTail writes a node's metadata and metrics.
func (g *gen) planNodeTail(node int, scan bool) {
	l := &g.l
	if scan {
		l.strMap("metadata", []kv{
			{"Location", "InMemoryFileIndex(1 paths)[s3://acme-datalake/warehouse/src]"},
			{"ReadSchema", "struct<order_id:bigint,customer_id:bigint,amount:decimal(18,2)>"},
			{"Format", "Parquet"}, {"Batched", "true"}, {"PartitionFilters", "[isnotnull(dt#7)]"},
			{"PushedFilters", "[IsNotNull(customer_id)]"}, {"DataFilters", "[isnotnull(customer_id#1L)]"},
		})
	} else {
		l.obj("metadata")
		l.close('}')
	}
	l.arr("metrics")
	for i, m := range sqlMetrics {
		if m.node != node {
			continue
		}
		l.elemOpen('{')
		l.str("name", m.name)
		l.int("accumulatorId", g.sql.base+int64(i))
		l.str("metricType", m.mtype)
		l.close('}')
	}
	l.close(']')
}
