package diagnose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/genai"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// The statuses of a DiagnosisRow.
const (
	StatusOK            = "ok"
	StatusInvalid       = "invalid"
	StatusRefused       = "refused"
	StatusError         = "error"
	StatusSkippedBudget = "skipped_budget"
	StatusDryRun        = "dry_run"
)

// Candidate is one app and its findings.
type Candidate struct {
	App      *extract.App
	Findings []analyze.FindingRow
	Result   analyze.AppResult // the app's cost, waste and findings count
	// Rightsizing is the app's right-sizing (critical path, replay error,
	// the cheapest configuration and part of the curve); nil when the app
	// was not simulated.
	Rightsizing *analyze.RightsizeReference
	// RightsizingUnavailable says why the right-sizing of a stored app
	// could not be rebuilt (its source log gone or unreadable); the
	// reference then says so in place of it.
	RightsizingUnavailable string
	// History is the app's job's baseline and the outcomes of earlier
	// advice (see JobHistory); nil when the pipeline has none.
	History *JobHistory
}

// Blobs is a folder of named blobs. Get reports a miss as false with a nil
// error. The pipeline backs the cache with _sparkmine/cache/gemini/ and the
// audit store with _sparkmine/llm/.
type Blobs interface {
	Get(ctx context.Context, name string) ([]byte, bool, error)
	Put(ctx context.Context, name string, val []byte) error
}

// Cache keeps answers by the hash of the model and the prompt.
type Cache = Blobs

// Deps are what a Diagnoser is handed.
type Deps struct {
	// Model answers; nil is no diagnosis (mode off). llm.DryRun writes the
	// prompts and sends nothing.
	Model llm.Model
	Cache Cache // may be nil
	// Audit keeps every prompt (PromptName) and every raw response
	// (ResponseName), content-addressed; nil keeps none.
	Audit Blobs
	// WritePrompt stores a prompt file (name meant for _sparkmine/prompts/);
	// needed by the dry-run model.
	WritePrompt func(ctx context.Context, name string, data []byte) error
	Redactor    *redact.Redactor // nil: Spark's default
	// NodeMiB and NodeCores are a node of the cost config's instance type
	// (0: unknown); proposed memory and cores must fit it.
	NodeMiB, NodeCores int64
	// Version (sparkmine's module version and VCS revision) and
	// ConfigSHA256 (of the effective configuration) go into every row.
	Version, ConfigSHA256 string
	// Now stamps the rows and times the calls (nil: time.Now).
	Now func() time.Time
}

// Diagnoser diagnoses flagged apps. It is safe for one Run at a time.
type Diagnoser struct {
	cfg   Config
	model llm.Model
	dry   bool
	deps  Deps
	rules *scrubRules
	now   func() time.Time
}

// New returns a Diagnoser for cfg (validated here) and deps.
func New(cfg Config, deps Deps) (*Diagnoser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Redactor == nil {
		deps.Redactor = redact.Default
	}
	d := &Diagnoser{cfg: cfg, model: deps.Model, dry: llm.IsDryRun(deps.Model), deps: deps, now: deps.Now}
	if d.now == nil {
		d.now = time.Now
	}
	if d.dry && deps.WritePrompt == nil {
		return nil, fmt.Errorf("gemini: dry-run needs a prompt writer")
	}
	d.rules = &scrubRules{red: deps.Redactor, names: cfg.RedactNames, hosts: cfg.RedactHosts}
	return d, nil
}

// job is one app on its way to a row.
type job struct {
	c      Candidate
	p      Prompt
	tokens int64 // input tokens, counted or estimated
}

// Run diagnoses the candidates with findings at or above min_severity, most
// costly first, within the run's budget, and returns one row per such
// candidate (none without a model). The model's failures become rows,
// never errors; a cancelled ctx leaves the unsent apps as error rows.
func (d *Diagnoser) Run(ctx context.Context, runID string, cands []Candidate) []analyze.DiagnosisRow {
	if d.model == nil {
		return nil
	}
	flagged := d.cfg.Select(cands)
	rows := make([]analyze.DiagnosisRow, len(flagged))
	jobs := map[int]job{}
	var b budget
	for i, c := range flagged {
		j, row, send := d.plan(ctx, runID, c, &b)
		rows[i] = row
		if send {
			jobs[i] = j
		}
	}
	var g errgroup.Group
	g.SetLimit(d.cfg.Concurrency)
	for i := range flagged {
		if j, ok := jobs[i]; ok {
			g.Go(func() error {
				rows[i] = d.send(ctx, runID, j)
				return nil
			})
		}
	}
	_ = g.Wait() // the goroutines return no errors
	return rows
}

// DiagnoseOne diagnoses c whatever its severity and the budget (for
// `sparkmine diagnose --app`); the cache still applies.
func (d *Diagnoser) DiagnoseOne(ctx context.Context, runID string, c Candidate) analyze.DiagnosisRow {
	if d.model == nil {
		row := d.baseRow(runID, c, Prompt{})
		row.Status, row.Error = StatusError, "gemini: no model (mode off)"
		return row
	}
	j, row, send := d.plan(ctx, runID, c, nil)
	if !send {
		return row
	}
	return d.send(ctx, runID, j)
}

// Wants reports whether an app whose worst finding is maxSeverity is sent:
// it has a finding at or above min_severity.
func (c Config) Wants(maxSeverity string) bool {
	have, err := analyze.ParseSeverity(maxSeverity)
	return err == nil && have != analyze.None && have >= c.minSeverity()
}

// minSeverity is MinSeverity parsed (validated by Validate).
func (c Config) minSeverity() analyze.Severity {
	s, _ := analyze.ParseSeverity(c.MinSeverity)
	return max(s, analyze.Low)
}

// Select keeps the candidates with a finding at or above min_severity,
// most costly first (Costlier).
func (c Config) Select(cands []Candidate) []Candidate {
	var out []Candidate
	for _, k := range cands {
		if k.App != nil && c.Wants(worst(k.Findings)) {
			out = append(out, k)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return Costlier(out[i], out[j]) })
	return out
}

// worst is the highest severity among fs.
func worst(fs []analyze.FindingRow) string {
	w := analyze.None
	for _, f := range fs {
		if s, err := analyze.ParseSeverity(f.Severity); err == nil && s > w {
			w = s
		}
	}
	return w.String()
}

// Costlier orders apps as the diagnosis sends them: most costly first,
// then by app and attempt id.
func Costlier(cx, cy Candidate) bool {
	if cx.Result.EstCostUSD != cy.Result.EstCostUSD {
		return cx.Result.EstCostUSD > cy.Result.EstCostUSD
	}
	x, y := cx.App.Row, cy.App.Row
	if x.AppID != y.AppID {
		return x.AppID < y.AppID
	}
	return x.AttemptID < y.AttemptID
}

// budget is what a run has committed so far; spent stops every later app,
// so a cheaper app never jumps the queue.
type budget struct {
	apps          int
	input, output int64
	spent         string // why the budget ran out, "" while it lasts
}

// plan builds the prompt and decides: a final row (cached, skipped, build
// error) or a job to send. b is nil when the budget does not apply.
func (d *Diagnoser) plan(ctx context.Context, runID string, c Candidate, b *budget) (job, analyze.DiagnosisRow, bool) {
	p, err := d.Prompt(c)
	if err == nil {
		err = d.keep(ctx, PromptName(p.SHA256), p.Doc)
	}
	row := d.baseRow(runID, c, p)
	if err != nil {
		row.Status, row.Error = StatusError, llm.SafeText(err.Error())
		return job{}, row, false
	}
	if !d.dry {
		if cached, ok := d.fromCache(ctx, runID, c, p); ok {
			return job{}, cached, false
		}
	}
	if b != nil && b.spent != "" {
		row.Status, row.Error = StatusSkippedBudget, b.spent
		return job{}, row, false
	}
	j := job{c: c, p: p, tokens: d.inputTokens(ctx, p)}
	if b != nil {
		if why := b.admit(d.cfg, j.tokens); why != "" {
			row.Status, row.Error = StatusSkippedBudget, why
			return job{}, row, false
		}
	}
	return j, row, true
}

// admit reserves one call of tokens input tokens, or says which limit
// stops it (and every later app).
func (b *budget) admit(cfg Config, tokens int64) string {
	switch {
	case b.apps >= cfg.MaxApps:
		b.spent = fmt.Sprintf("budget: max_apps %d reached", cfg.MaxApps)
	case b.input+tokens > cfg.MaxInputTokens:
		b.spent = fmt.Sprintf("budget: max_input_tokens %d reached (%d used, %d needed)", cfg.MaxInputTokens, b.input, tokens)
	case b.output+cfg.OutputTokensPerCall > cfg.MaxOutputTokens:
		b.spent = fmt.Sprintf("budget: max_output_tokens %d reached (%d reserved)", cfg.MaxOutputTokens, b.output)
	default:
		b.apps++
		b.input += tokens
		b.output += cfg.OutputTokensPerCall
	}
	return b.spent
}

// inputTokens counts p's tokens at the model when it can count (Gemini
// with count_tokens on), else estimates them (also when counting fails).
func (d *Diagnoser) inputTokens(ctx context.Context, p Prompt) int64 {
	if tc, ok := d.model.(llm.TokenCounter); ok {
		n, err := tc.CountTokens(ctx, d.request(p))
		if err == nil {
			return n
		}
		slog.WarnContext(ctx, "gemini count tokens failed; using the local estimate", "error", err)
	}
	return p.estimateTokens()
}

// request is the model request of p.
func (d *Diagnoser) request(p Prompt) llm.Request {
	return llm.Request{System: p.System, Parts: []string{"Reference information (JSON):\n" + p.Reference, p.Query},
		Schema: p.Schema, MaxOutputTokens: d.cfg.OutputTokensPerCall}
}

func (d *Diagnoser) baseRow(runID string, c Candidate, p Prompt) analyze.DiagnosisRow {
	row := analyze.DiagnosisRow{RunID: runID, Time: d.now().UnixMilli(), Model: d.cfg.Model, PromptSHA256: p.SHA256,
		SparkmineVersion: d.deps.Version, ConfigSHA256: d.deps.ConfigSHA256, FindingIDs: p.Findings,
		SafetyRatings: []string{}}
	if row.FindingIDs == nil {
		row.FindingIDs = []string{}
	}
	if c.App != nil {
		row.AppID, row.AttemptID = c.App.Row.AppID, c.App.Row.AttemptID
	}
	return row
}

// send writes the prompt (dry-run) or asks the model.
func (d *Diagnoser) send(ctx context.Context, runID string, j job) analyze.DiagnosisRow {
	start := d.now()
	resp, err := d.model.Generate(ctx, d.request(j.p))
	if errors.Is(err, llm.ErrTooLong) {
		j, resp, err = d.shrunk(ctx, j, err)
	}
	row := d.baseRow(runID, j.c, j.p)
	row.LatencyMS = d.now().Sub(start).Milliseconds()
	if err != nil {
		row.Status, row.Error = StatusError, llm.SafeText(err.Error())
		return row
	}
	if resp.DryRun {
		return d.dryRun(ctx, row, j)
	}
	d.keepResponse(ctx, &row, resp)
	text := d.interpret(&row, resp, j)
	row.CostUSD = d.cost(row.InputTokens, row.OutputTokens)
	if row.Status == StatusOK {
		d.toCache(ctx, j.p, text, row)
	}
	return row
}

// shrunk answers a context-too-long error once: the reference is rebuilt
// within half its size (cut by priority, the cuts stated in it), stored,
// and sent again. It returns the job sent and what came back.
func (d *Diagnoser) shrunk(ctx context.Context, j job, tooLong error) (job, llm.Response, error) {
	p, err := d.promptWithin(j.c, max(len(j.p.Reference)/2, minReferenceBytes))
	if err == nil {
		err = d.keep(ctx, PromptName(p.SHA256), p.Doc)
	}
	if err != nil {
		return j, llm.Response{}, fmt.Errorf("%w; shrinking the reference: %v", tooLong, err)
	}
	j.p, j.tokens = p, p.estimateTokens()
	resp, err := d.model.Generate(ctx, d.request(p))
	return j, resp, err
}

// minReferenceBytes is the least a shrunk reference is given.
const minReferenceBytes = 2048

func (d *Diagnoser) cost(in, out int64) float64 {
	return float64(in)*d.cfg.InputPerMTokUSD/1e6 + float64(out)*d.cfg.OutputPerMTokUSD/1e6
}

// dryRun writes the prompt as JSON and sends nothing.
func (d *Diagnoser) dryRun(ctx context.Context, row analyze.DiagnosisRow, j job) analyze.DiagnosisRow {
	row.InputTokens, row.LatencyMS = j.tokens, 0
	row.Status = StatusDryRun
	data, err := json.MarshalIndent(struct {
		Model                string          `json:"model"`
		SHA256               string          `json:"prompt_sha256"`
		EstimatedInputTokens int64           `json:"estimated_input_tokens"`
		SystemInstruction    string          `json:"system_instruction"`
		Reference            json.RawMessage `json:"reference_information"`
		Query                string          `json:"query"`
		ResponseSchema       *genai.Schema   `json:"response_schema"`
	}{d.cfg.Model, j.p.SHA256, j.tokens, j.p.System, json.RawMessage(j.p.Reference), j.p.Query, j.p.Schema}, "", "  ")
	if err == nil {
		err = d.deps.WritePrompt(ctx, promptFileName(row.AppID, row.AttemptID, j.p.SHA256), append(data, '\n'))
	}
	if err != nil {
		row.Status, row.Error = StatusError, llm.SafeText("write prompt: "+err.Error())
	}
	return row
}

// PromptName is the audit store's name of the prompt whose SHA-256 is sha.
func PromptName(sha string) string { return sha + ".json" }

// ResponseName is the audit store's name of a raw response (SHA-256
// respSHA) to the prompt promptSHA: beside the prompt.
func ResponseName(promptSHA, respSHA string) string {
	return promptSHA + ".response-" + respSHA + ".json"
}

// keep stores data in the audit store under name.
func (d *Diagnoser) keep(ctx context.Context, name string, data []byte) error {
	if d.deps.Audit == nil {
		return nil
	}
	if err := d.deps.Audit.Put(ctx, name, data); err != nil {
		return fmt.Errorf("audit: store %s: %w", name, err)
	}
	return nil
}

// keepResponse stores the raw response and names it, and what the API
// said of itself, in row. A response that cannot be stored is noted in
// the row's error; the answer stands (it was paid for).
func (d *Diagnoser) keepResponse(ctx context.Context, row *analyze.DiagnosisRow, resp llm.Response) {
	row.ModelVersion, row.ResponseID, row.FinishReason = resp.ModelVersion, resp.ResponseID, resp.FinishReason
	if resp.Safety != nil {
		row.SafetyRatings = resp.Safety
	}
	if resp.Raw == nil {
		return
	}
	sha := sha256Hex(resp.Raw)
	if err := d.keep(ctx, ResponseName(row.PromptSHA256, sha), resp.Raw); err != nil {
		slog.WarnContext(ctx, "gemini response not stored", "app_id", row.AppID, "error", err.Error())
		return
	}
	row.ResponseSHA256 = sha
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// promptFileName is <app>_<attempt>_<sha256>.json, safe as an object key.
func promptFileName(app, attempt, sha string) string {
	if attempt == "" {
		attempt = "none"
	}
	return unsafeName.ReplaceAllString(app, "_") + "_" + unsafeName.ReplaceAllString(attempt, "_") + "_" + sha + ".json"
}
