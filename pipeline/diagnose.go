package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
)

// diagnose asks Gemini (or writes the prompts, in dry-run mode) about the
// flagged apps and writes the diagnoses table.
func (r *run) diagnose(ctx context.Context) error {
	o, m := &r.o, r.m
	if o.Model == nil || len(r.flagged.list) == 0 {
		return nil
	}
	d, err := o.diagnoser()
	if err != nil {
		return fmt.Errorf("gemini: %w", err)
	}
	rows := d.Run(ctx, o.RunID.String(), r.flagged.list)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, row := range rows {
		if row.Status != diagnose.StatusDryRun { // a dry run spends nothing
			m.TokensIn += row.InputTokens
			m.TokensOut += row.OutputTokens
			m.LLMCostUSD += row.CostUSD
		}
		r.log.Info("diagnosis", "app_id", row.AppID, "attempt_id", row.AttemptID, "status", row.Status,
			"input_tokens", row.InputTokens, "output_tokens", row.OutputTokens, "latency_ms", row.LatencyMS)
	}
	m.Diagnoses = int64(len(rows))
	byDay := map[string][]analyze.DiagnosisRow{}
	for _, row := range rows {
		day := r.flagged.days[dataset.AppKey(row.AppID, row.AttemptID)]
		byDay[day] = append(byDay[day], row)
	}
	for day, rs := range byDay {
		keys, err := dataset.Diagnoses.Write(ctx, r.tx, day, rs)
		m.RunFiles = append(m.RunFiles, keys...)
		if err != nil {
			return fmt.Errorf("write diagnoses: %w", err)
		}
	}
	return nil
}

// diagnoser is the run's Diagnoser: its model, its redactor, the cache and
// prompt files in the output store.
func (o *Options) diagnoser() (*diagnose.Diagnoser, error) {
	mib, cores := o.Analyze.Cost.Node()
	return diagnose.New(o.Diagnose, diagnose.Deps{Model: o.Model, Cache: CacheStore(o.Out),
		Audit: AuditStore(o.Out), WritePrompt: PromptWriter(o.Out), Redactor: o.Redactor,
		Version: o.Version, ConfigSHA256: o.ConfigSHA256, Now: o.Now, NodeMiB: mib, NodeCores: cores})
}

// Blobs is a folder of the output store holding named blobs: the Gemini
// cache (answers keyed by the hash of the model and the prompt, so the same
// question is never paid for twice) and the audit store (every prompt and
// raw response, content-addressed).
type Blobs struct {
	St  store.Store
	Dir string // ends in /
}

// Get reads name; a missing blob is (nil, false, nil).
func (c Blobs) Get(ctx context.Context, name string) ([]byte, bool, error) {
	rc, err := c.St.Open(ctx, c.Dir+name, 0, -1)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return b, err == nil, err
}

// Put writes name atomically.
func (c Blobs) Put(ctx context.Context, name string, val []byte) error {
	return c.St.Put(ctx, c.Dir+name, bytes.NewReader(val))
}

// PromptWriter writes dry-run prompts under _sparkmine/prompts/.
func PromptWriter(st store.Store) func(ctx context.Context, name string, data []byte) error {
	return func(ctx context.Context, name string, data []byte) error {
		return st.Put(ctx, promptsDir+name, bytes.NewReader(data))
	}
}
