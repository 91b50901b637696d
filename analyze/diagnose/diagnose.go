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
}

// Cache keeps answers by the hash of everything sent (model, system
// instruction, reference, query, schema). Get reports a miss as false with
// a nil error. The pipeline backs it with _sparkmine/cache/gemini/.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Put(ctx context.Context, key string, val []byte) error
}

// Diagnoser diagnoses flagged apps. It is safe for one Run at a time.
type Diagnoser struct {
	cfg         Config
	cache       Cache // may be nil
	writePrompt func(ctx context.Context, name string, data []byte) error
	client      *genai.Client // nil unless Mode is gemini
	red         *redact.Redactor
	now         func() time.Time
}

// New returns a Diagnoser. In gemini mode it builds the genai client
// (error "no Gemini credentials: set GEMINI_API_KEY …" when there are
// none); dry-run needs writePrompt, which gets file names meant for
// _sparkmine/prompts/ (<app>_<attempt>_<sha256>.json). cache may be nil.
func New(ctx context.Context, cfg Config, cache Cache, writePrompt func(ctx context.Context, name string, data []byte) error) (*Diagnoser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	red, err := redact.New(cfg.RedactPatterns...)
	if err != nil {
		return nil, err
	}
	d := &Diagnoser{cfg: cfg, cache: cache, writePrompt: writePrompt, red: red, now: time.Now}
	switch cfg.Mode {
	case ModeDryRun:
		if writePrompt == nil {
			return nil, errors.New("gemini: dry-run needs a prompt writer")
		}
	case ModeGemini:
		if d.client, err = newClient(ctx, cfg); err != nil {
			return nil, err
		}
	}
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
// candidate (none in off mode). Gemini's failures become rows, never
// errors; a cancelled ctx leaves the unsent apps as error rows.
func (d *Diagnoser) Run(ctx context.Context, runID string, cands []Candidate) []analyze.DiagnosisRow {
	if d.cfg.Mode == ModeOff {
		return nil
	}
	flagged := d.flagged(cands)
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
	if d.cfg.Mode == ModeOff {
		row := d.baseRow(runID, c, Prompt{})
		row.Status, row.Error = StatusError, "gemini: mode is off"
		return row
	}
	j, row, send := d.plan(ctx, runID, c, nil)
	if !send {
		return row
	}
	return d.send(ctx, runID, j)
}

// flagged keeps candidates with a finding at or above min_severity, most
// costly first, then by app and attempt id.
func (d *Diagnoser) flagged(cands []Candidate) []Candidate {
	minRank, _ := parseSeverity(d.cfg.MinSeverity) // validated in New
	var out []Candidate
	for _, c := range cands {
		if c.App == nil {
			continue
		}
		for _, f := range c.Findings {
			if severityRank[f.Severity] >= minRank {
				out = append(out, c)
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if cx, cy := out[i].Result.EstCostUSD, out[j].Result.EstCostUSD; cx != cy {
			return cx > cy
		}
		x, y := out[i].App.Row, out[j].App.Row
		if x.AppID != y.AppID {
			return x.AppID < y.AppID
		}
		return x.AttemptID < y.AttemptID
	})
	return out
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
	p, err := BuildPrompt(c, d.cfg)
	row := d.baseRow(runID, c, p)
	if err != nil {
		row.Status, row.Error = StatusError, safeText(err.Error())
		return job{}, row, false
	}
	if d.cfg.Mode == ModeGemini {
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

// inputTokens counts p's tokens at the endpoint when count_tokens is on in
// gemini mode, else estimates them (also when counting fails).
func (d *Diagnoser) inputTokens(ctx context.Context, p Prompt) int64 {
	if d.cfg.Mode == ModeGemini && d.cfg.CountTokens {
		n, err := d.countTokens(ctx, p)
		if err == nil {
			return n
		}
		slog.WarnContext(ctx, "gemini count tokens failed; using the local estimate", "error", err)
	}
	return p.estimateTokens()
}

func (d *Diagnoser) baseRow(runID string, c Candidate, p Prompt) analyze.DiagnosisRow {
	row := analyze.DiagnosisRow{RunID: runID, Time: d.now().UnixMilli(), Model: d.cfg.Model, PromptSHA256: p.SHA256}
	if c.App != nil {
		row.AppID, row.AttemptID = c.App.Row.AppID, c.App.Row.AttemptID
	}
	return row
}

// send writes the prompt (dry-run) or calls Gemini.
func (d *Diagnoser) send(ctx context.Context, runID string, j job) analyze.DiagnosisRow {
	row := d.baseRow(runID, j.c, j.p)
	if d.cfg.Mode == ModeDryRun {
		return d.dryRun(ctx, row, j)
	}
	start := d.now()
	resp, attempts, err := d.generate(ctx, j.p)
	row.LatencyMS = d.now().Sub(start).Milliseconds()
	if err != nil {
		row.Status, row.Error = StatusError, errorReason(err, attempts)
		return row
	}
	text := d.interpret(&row, resp, j)
	row.CostUSD = d.cost(row.InputTokens, row.OutputTokens)
	if row.Status == StatusOK {
		d.toCache(ctx, j.p, text, row)
	}
	return row
}

func (d *Diagnoser) cost(in, out int64) float64 {
	return float64(in)*d.cfg.InputPerMTokUSD/1e6 + float64(out)*d.cfg.OutputPerMTokUSD/1e6
}

// dryRun writes the prompt as JSON and sends nothing.
func (d *Diagnoser) dryRun(ctx context.Context, row analyze.DiagnosisRow, j job) analyze.DiagnosisRow {
	row.InputTokens = j.tokens
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
		err = d.writePrompt(ctx, promptFileName(row.AppID, row.AttemptID, j.p.SHA256), append(data, '\n'))
	}
	if err != nil {
		row.Status, row.Error = StatusError, safeText("write prompt: "+err.Error())
	}
	return row
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// promptFileName is <app>_<attempt>_<sha256>.json, safe as an object key.
func promptFileName(app, attempt, sha string) string {
	if attempt == "" {
		attempt = "none"
	}
	return unsafeName.ReplaceAllString(app, "_") + "_" + unsafeName.ReplaceAllString(attempt, "_") + "_" + sha + ".json"
}
