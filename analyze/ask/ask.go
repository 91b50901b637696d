// Package ask turns a plain-English question about the dataset into one
// checked SQL query: the schema-aware SQL generation of structured
// prompting, aimed at sparkmine's own tables.
//
// The prompt (BuildPrompt) has the three parts the SDK models: a system
// instruction (an analytics engineer for exactly these tables; DuckDB; one
// SELECT; never invent a table or column; say when the data cannot
// answer), the reference information (every table and column with its
// type, meaning and unit, and the days the dataset holds; no row data
// unless Config.SampleValues allows the values of few-valued columns) and
// the query (the question, redacted like every string sent).
// The answer is forced into {sql, explanation, assumptions}. Its SQL goes
// to a Checker (DuckDB parsing and binding it against the real views: one
// read-only statement, known tables and columns only); a refused answer
// goes back to the model once with the reason, and a second refusal is
// status rejected (ErrRejected). An empty sql is the model saying the data
// cannot answer (status no_answer, ErrNoAnswer).
//
// It goes through the diagnosis's seams: the model is an llm.Model chosen
// once by cmd (llm.DryRun: the prompt is built and stored, nothing sent),
// every prompt and raw response lands in the audit store, an answer is
// cached by the question, the schema and the model (the same question
// asked again costs no request, and its SQL is checked again against
// today's views), and the diagnosis's budget settings bound a question's
// tokens. Every question gives an analyze.QuestionRow, whatever happened.
package ask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// The statuses of a QuestionRow.
const (
	StatusChecked       = "checked"        // the SQL passed the check
	StatusRejected      = "rejected"       // the SQL failed the check twice
	StatusNoAnswer      = "no_answer"      // the model says the tables cannot answer
	StatusError         = "error"          // no usable answer: the call failed or the model refused
	StatusSkippedBudget = "skipped_budget" // the question would pass the token budget
	StatusDryRun        = "dry_run"        // the prompt was built and stored, nothing sent
)

// Errors of Ask that say why there is no SQL to run.
var (
	ErrRejected = errors.New("the model's SQL was refused twice")
	ErrNoAnswer = errors.New("the model says the dataset cannot answer this question")
)

// Checker checks a query without running it: store/sqldb's DB.
type Checker interface {
	Check(ctx context.Context, query string) error
}

// Deps are what an Asker is handed.
type Deps struct {
	Model    llm.Model      // llm.DryRun builds the prompt and sends nothing
	Cache    diagnose.Blobs // answers by question, schema and model; may be nil
	Audit    diagnose.Blobs // every prompt and raw response; may be nil
	Redactor *redact.Redactor
	Version  string // sparkmine's, into every row
	// Now stamps the rows (nil: time.Now).
	Now func() time.Time
}

// Asker answers questions. Its model settings are the gemini section's
// (model, prices, budget), validated by their loader, and the ask section
// says what the reference may hold.
type Asker struct {
	cfg  diagnose.Config
	ask  Config
	deps Deps
}

// New returns an Asker.
func New(gemini diagnose.Config, cfg Config, deps Deps) *Asker {
	if deps.Redactor == nil {
		deps.Redactor = redact.Default
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Asker{cfg: gemini, ask: cfg, deps: deps}
}

// SampleValues reports whether the reference may list values present in
// the data (Config.SampleValues).
func (a *Asker) SampleValues() bool { return a.ask.SampleValues }

// Outcome is what one question gave.
type Outcome struct {
	Prompt Prompt
	Answer Answer
	Row    analyze.QuestionRow // Rows and Truncated are the caller's, who runs the SQL
}

// Ask asks the model question about the dataset ref describes and checks
// its SQL with chk. The error is ErrRejected, ErrNoAnswer (both wrapped
// with the reason), the model's or the audit store's; the Outcome's row
// says what happened in every case.
func (a *Asker) Ask(ctx context.Context, question string, ref Reference, chk Checker) (Outcome, error) {
	q := a.deps.Redactor.Text(strings.TrimSpace(question))
	o := Outcome{Prompt: BuildPrompt(q, ref)}
	o.Row = a.baseRow(q, ref, o.Prompt)
	if err := a.keep(ctx, diagnose.PromptName(o.Prompt.SHA256), o.Prompt.Doc); err != nil {
		return o, a.fail(&o, err)
	}
	if llm.IsDryRun(a.deps.Model) {
		o.Row.Status, o.Row.InputTokens = StatusDryRun, llm.EstimateTokens(a.request(o.Prompt))
		return o, nil
	}
	if a.fromCache(ctx, &o, chk) {
		return o, a.settle(&o, "")
	}
	if why := a.admit(ctx, o.Prompt); why != "" {
		o.Row.Status, o.Row.Reason = StatusSkippedBudget, why
		return o, errors.New(why)
	}
	return o, a.converse(ctx, &o, chk)
}

// converse asks, checks, and asks once more with the reason when the
// first answer is refused.
func (a *Asker) converse(ctx context.Context, o *Outcome, chk Checker) error {
	text, err := a.generate(ctx, o, o.Prompt)
	if err != nil {
		return a.fail(o, err)
	}
	ans, problem := a.judge(ctx, text, chk)
	if problem == "" {
		o.Answer = ans
		a.toCache(ctx, o.Row, text)
		return a.settle(o, "")
	}
	retry := o.Prompt.retry(text, problem)
	if err := a.keep(ctx, diagnose.PromptName(retry.SHA256), retry.Doc); err != nil {
		return a.fail(o, err)
	}
	first := problem
	if text, err = a.generate(ctx, o, retry); err != nil {
		return a.fail(o, err)
	}
	if ans, problem = a.judge(ctx, text, chk); problem == "" {
		o.Answer = ans
		a.toCache(ctx, o.Row, text)
		return a.settle(o, "first answer refused: "+first)
	}
	o.Answer = ans
	o.Row.SQL, o.Row.Explanation = ans.SQL, ans.Explanation
	o.Row.Status, o.Row.Reason = StatusRejected, "first: "+first+"; second: "+problem
	return fmt.Errorf("%w: %s", ErrRejected, o.Row.Reason)
}

// generate sends one request and adds its tokens, cost and raw response
// to the row. A withheld answer (a safety stop, a blocked prompt) is an
// error; an empty or malformed one is the caller's to judge.
func (a *Asker) generate(ctx context.Context, o *Outcome, p Prompt) (string, error) {
	resp, err := a.deps.Model.Generate(ctx, a.request(p))
	o.Row.Requests++
	if err != nil {
		return "", err
	}
	o.Row.InputTokens += resp.InputTokens
	o.Row.OutputTokens += resp.OutputTokens
	o.Row.CostUSD = float64(o.Row.InputTokens)*a.cfg.InputPerMTokUSD/1e6 + float64(o.Row.OutputTokens)*a.cfg.OutputPerMTokUSD/1e6
	o.Row.ModelVersion = resp.ModelVersion
	if resp.Raw != nil {
		if err := a.keep(ctx, diagnose.ResponseName(p.SHA256, sha256Hex(resp.Raw)), resp.Raw); err != nil {
			slog.WarnContext(ctx, "gemini response not stored", "error", err.Error())
		}
	}
	if resp.Refused != "" {
		return "", errors.New("gemini: " + resp.Refused)
	}
	return resp.Text, nil
}

// judge parses an answer and checks its SQL; problem is "" when it can
// be run (or is the model's "cannot answer").
func (a *Asker) judge(ctx context.Context, text string, chk Checker) (Answer, string) {
	ans, err := parseAnswer(text)
	if err != nil {
		return ans, llm.SafeText(err.Error())
	}
	if ans.SQL == "" {
		return ans, ""
	}
	if err := chk.Check(ctx, ans.SQL); err != nil {
		return ans, llm.SafeText(err.Error())
	}
	return ans, ""
}

// settle fills the row from an accepted answer: checked, or no_answer
// when its SQL is empty.
func (a *Asker) settle(o *Outcome, note string) error {
	r := &o.Row
	r.SQL, r.Explanation, r.Assumptions, r.Reason = o.Answer.SQL, o.Answer.Explanation, o.Answer.Assumptions, note
	if o.Answer.SQL == "" {
		r.Status, r.Reason = StatusNoAnswer, strings.TrimSpace(note+" "+o.Answer.Explanation)
		return fmt.Errorf("%w: %s", ErrNoAnswer, o.Answer.Explanation)
	}
	r.Status = StatusChecked
	return nil
}

// fail marks the row as an error.
func (a *Asker) fail(o *Outcome, err error) error {
	o.Row.Status, o.Row.Reason = StatusError, llm.SafeText(err.Error())
	return err
}

func (a *Asker) request(p Prompt) llm.Request {
	return llm.Request{System: p.System, Parts: []string{"Reference information:\n" + p.Reference, p.Query},
		Schema: p.Schema, MaxOutputTokens: a.cfg.OutputTokensPerCall}
}

func (a *Asker) baseRow(q string, ref Reference, p Prompt) analyze.QuestionRow {
	return analyze.QuestionRow{Time: a.deps.Now().UnixMilli(), QuestionSHA256: sha256Hex([]byte(q)), Question: q,
		SchemaSHA256: ref.SHA256(), Model: a.cfg.Model, PromptSHA256: p.SHA256, Assumptions: []string{},
		SparkmineVersion: a.deps.Version}
}

// admit says why the question's two requests (the ask and a possible
// retry) would pass the token budget, or "".
func (a *Asker) admit(ctx context.Context, p Prompt) string {
	in := llm.EstimateTokens(a.request(p))
	if tc, ok := a.deps.Model.(llm.TokenCounter); ok {
		if n, err := tc.CountTokens(ctx, a.request(p)); err == nil {
			in = n
		}
	}
	switch {
	case 2*in > a.cfg.MaxInputTokens:
		return fmt.Sprintf("budget: max_input_tokens %d is less than twice the question's %d", a.cfg.MaxInputTokens, in)
	case 2*a.cfg.OutputTokensPerCall > a.cfg.MaxOutputTokens:
		return fmt.Sprintf("budget: max_output_tokens %d is less than two calls' %d", a.cfg.MaxOutputTokens, a.cfg.OutputTokensPerCall)
	}
	return ""
}

// keep stores data in the audit store.
func (a *Asker) keep(ctx context.Context, name string, data []byte) error {
	if a.deps.Audit == nil {
		return nil
	}
	if err := a.deps.Audit.Put(ctx, name, data); err != nil {
		return fmt.Errorf("audit: store %s: %w", name, err)
	}
	return nil
}

// cacheEntry is what the cache keeps of an accepted answer.
type cacheEntry struct {
	Model          string `json:"model"`
	QuestionSHA256 string `json:"question_sha256"`
	SchemaSHA256   string `json:"schema_sha256"`
	Answer         string `json:"answer"`
	ModelVersion   string `json:"model_version,omitempty"`
	PromptSHA256   string `json:"prompt_sha256"`
}

// CacheKey is the cache's name of a question's answer: the question, the
// schema and the model.
func CacheKey(model, questionSHA, schemaSHA string) string {
	return "ask-" + hashParts("ask", model, questionSHA, schemaSHA)
}

// fromCache takes an earlier accepted answer to this question on this
// schema from this model whose SQL still passes the check into o, marked
// cached. Anything else is a miss.
func (a *Asker) fromCache(ctx context.Context, o *Outcome, chk Checker) bool {
	if a.deps.Cache == nil {
		return false
	}
	b, ok, err := a.deps.Cache.Get(ctx, CacheKey(o.Row.Model, o.Row.QuestionSHA256, o.Row.SchemaSHA256))
	if err != nil || !ok {
		return false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil {
		return false
	}
	ans, problem := a.judge(ctx, e.Answer, chk)
	if problem != "" {
		slog.WarnContext(ctx, "cached answer no longer checks; asking again", "reason", problem)
		return false
	}
	o.Answer, o.Row.Cached, o.Row.ModelVersion = ans, true, e.ModelVersion
	return true
}

// toCache keeps an accepted answer; a failure is logged.
func (a *Asker) toCache(ctx context.Context, row analyze.QuestionRow, text string) {
	if a.deps.Cache == nil {
		return
	}
	b, _ := json.Marshal(cacheEntry{Model: row.Model, QuestionSHA256: row.QuestionSHA256, SchemaSHA256: row.SchemaSHA256,
		Answer: text, ModelVersion: row.ModelVersion, PromptSHA256: row.PromptSHA256})
	if err := a.deps.Cache.Put(ctx, CacheKey(row.Model, row.QuestionSHA256, row.SchemaSHA256), b); err != nil {
		slog.WarnContext(ctx, "ask cache put failed", "error", err.Error())
	}
}
