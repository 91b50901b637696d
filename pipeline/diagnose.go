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
	if o.Diagnose.Mode == "" || o.Diagnose.Mode == "off" || len(r.flagged.list) == 0 {
		return nil
	}
	d, err := diagnose.New(ctx, o.Diagnose, StoreCache{o.Out}, PromptWriter(o.Out))
	if err != nil {
		return fmt.Errorf("gemini: %w", err)
	}
	rows := d.Run(ctx, o.RunID.String(), r.flagged.list)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, row := range rows {
		m.TokensIn += row.InputTokens
		m.TokensOut += row.OutputTokens
		m.LLMCostUSD += row.CostUSD
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

// StoreCache keeps Gemini answers in the output store, keyed by the hash of
// everything that was sent, so the same question is never paid for twice.
type StoreCache struct{ St store.Store }

func (c StoreCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	rc, err := c.St.Open(ctx, cacheDir+key+".json", 0, -1)
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

func (c StoreCache) Put(ctx context.Context, key string, val []byte) error {
	return c.St.Put(ctx, cacheDir+key+".json", bytes.NewReader(val))
}

// PromptWriter writes dry-run prompts under _sparkmine/prompts/.
func PromptWriter(st store.Store) func(ctx context.Context, name string, data []byte) error {
	return func(ctx context.Context, name string, data []byte) error {
		return st.Put(ctx, promptsDir+name, bytes.NewReader(data))
	}
}
