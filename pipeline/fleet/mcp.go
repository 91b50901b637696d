package fleet

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// NewServer returns an MCP server whose tools, resources and prompts
// answer from f.
func NewServer(f *Fleet, version string) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "sparkmine", Title: "sparkmine: the Spark fleet's apps, stages, findings and costs", Version: version}, &mcp.ServerOptions{
		Instructions: "Read-only access to a sparkmine dataset: every Spark application attempt of the fleet with its stages, executors, findings (what went wrong, what it cost, what to change) and diagnoses. Start with list_apps or top_waste; use get_app for one app; query runs one DuckDB SELECT over the tables described in the resources sparkmine://schema/<table>.",
	})
	tool(s, "list_apps", "List application attempts, newest first, filtered by day range, status, user, queue or job.", f.ListApps)
	tool(s, "get_app", "One application attempt: its metrics, its five slowest stages, its findings, its latest diagnosis and right-sizing what-ifs.", f.GetApp)
	tool(s, "top_waste", "Jobs, users or queues ranked by estimated waste (USD) over an ISO week.", f.TopWaste)
	tool(s, "compare_runs", "Two runs (e.g. of one job) side by side: metrics with ratios, and the Spark properties that differ.", f.CompareRuns)
	tool(s, "explain_finding", "A finding with its evidence and recommendations, and the stage and app it is about.", f.ExplainFinding)
	tool(s, "query", "Run one read-only DuckDB SELECT over the dataset's tables (limits on rows, bytes and seconds apply).", f.Query)
	for _, t := range f.DB.Tables() {
		s.AddResource(&mcp.Resource{
			URI: "sparkmine://schema/" + t, Name: t, MIMEType: "text/markdown",
			Description: "The " + t + " table: one row per " + tableDocs[t] + "; its columns with types and meanings.",
		}, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/markdown", Text: f.Describe(t)}}}, nil
		})
	}
	prompt(s, "investigate_failure", "Find out why an application failed and what to change.", "app_id",
		"Investigate why Spark application %s failed. Call get_app for it, find the root-cause stage and exception among its findings and stages, compare it with an earlier successful run of the same job (list_apps with its job, then compare_runs), and say what to change, citing the numbers.")
	prompt(s, "weekly_cost_review", "Review a week's cost and waste across the fleet.", "week",
		"Review the fleet's Spark cost for ISO week %s. Call top_waste by job and by user, then get_app for the three most wasteful jobs' latest runs, and write a short review: where the money went, which findings explain the waste, and the three changes that would save most.")
	return s
}

// tool registers a typed tool whose errors reach the agent as tool errors.
func tool[In, Out any](s *mcp.Server, name, desc string, fn func(context.Context, In) (Out, error)) {
	mcp.AddTool(s, &mcp.Tool{Name: name, Description: desc, Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}},
		func(ctx context.Context, _ *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
			out, err := fn(ctx, in)
			return nil, out, err
		})
}

func prompt(s *mcp.Server, name, desc, arg, text string) {
	s.AddPrompt(&mcp.Prompt{Name: name, Description: desc, Arguments: []*mcp.PromptArgument{{Name: arg, Required: true}}},
		func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			v := req.Params.Arguments[arg]
			if v == "" {
				return nil, fmt.Errorf("%s needs %s", name, arg)
			}
			return &mcp.GetPromptResult{Description: desc, Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: fmt.Sprintf(text, v)}}}}, nil
		})
}
